import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { createResource, findAppPackage } from '../src/resource.js';

function appTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'aiotel-resource-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.2.3' }));
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  mkdirSync(join(root, 'node_modules', 'tool', 'bin'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'tool', 'package.json'), JSON.stringify({ name: 'tool' }));
  return root;
}

describe('findAppPackage', () => {
  it('finds the nearest package.json above the entry script', () => {
    const root = appTree();
    expect(findAppPackage(join(root, 'src', 'lib', 'main.js'), '/')).toEqual({
      name: 'my-app',
      version: '1.2.3',
    });
  });

  it('looks above the working directory when the entry script is a tool inside node_modules', () => {
    const root = appTree();
    const entry = join(root, 'node_modules', 'tool', 'bin', 'cli.js');
    expect(findAppPackage(entry, join(root, 'src'))?.name).toBe('my-app');
  });

  it('skips package.json files without a name', () => {
    const root = appTree();
    writeFileSync(join(root, 'src', 'package.json'), JSON.stringify({ type: 'module' }));
    expect(findAppPackage(join(root, 'src', 'main.js'), '/')?.name).toBe('my-app');
  });
});

describe('createResource', () => {
  const app = { name: 'my-app', version: '1.2.3' };

  it('names the service after the app package, with its version', () => {
    const { attributes } = createResource(resolveConfig({}, {}).config, app);
    expect(attributes['service.name']).toBe('my-app');
    expect(attributes['service.version']).toBe('1.2.3');
    expect(attributes['telemetry.sdk.language']).toBe('nodejs');
    expect(typeof attributes['service.instance.id']).toBe('string');
    expect(attributes['process.command_args']).toBeUndefined();
  });

  it('prefers OTEL_SERVICE_NAME over service.name in OTEL_RESOURCE_ATTRIBUTES over the package', () => {
    const both = resolveConfig(
      {},
      { OTEL_SERVICE_NAME: 'env-name', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-name' },
    );
    expect(createResource(both.config, app).attributes['service.name']).toBe('env-name');
    const attrOnly = resolveConfig({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-name,team=x' });
    const resource = createResource(attrOnly.config, app);
    expect(resource.attributes['service.name']).toBe('attr-name');
    expect(resource.attributes.team).toBe('x');
  });

  it('falls back to unknown_service when there is no package', () => {
    expect(createResource(resolveConfig({}, {}).config, undefined).attributes['service.name']).toMatch(
      /^unknown_service/,
    );
  });
});
