import { describe, expect, it } from 'vitest';
import { esmHookPlace } from '../src/esm-hook.js';

/** Node releases whose `module.registerHooks` runs import-in-the-middle's synchronous hooks (nodejs/node#59929). */
function nodeRunsSyncHooks(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (major >= 26) return true;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  if (major === 22) return minor > 22 || (minor === 22 && patch >= 3);
  return false;
}

describe('where the ESM loader hook goes', () => {
  it("goes in the app's thread where Node runs synchronous hooks, else on a loader thread", () => {
    const warnings = new Set<string>();
    const expected = nodeRunsSyncHooks(process.versions.node) ? 'in-thread' : 'loader-thread';
    expect(esmHookPlace({}, warnings)).toBe(expected);
    expect([...warnings]).toEqual([]);
  });

  it('goes on a loader thread with AIOTEL_ESM_HOOK_THREAD=true, whatever the Node', () => {
    const warnings = new Set<string>();
    expect(esmHookPlace({ AIOTEL_ESM_HOOK_THREAD: 'true' }, warnings)).toBe('loader-thread');
    expect(esmHookPlace({ AIOTEL_ESM_HOOK_THREAD: ' TRUE ' }, warnings)).toBe('loader-thread');
    expect([...warnings]).toEqual([]);
  });

  it('warns about a value that is not a boolean and keeps the default place', () => {
    const warnings = new Set<string>();
    const byDefault = esmHookPlace({}, new Set());
    expect(esmHookPlace({ AIOTEL_ESM_HOOK_THREAD: 'yes please' }, warnings)).toBe(byDefault);
    expect([...warnings]).toEqual(['AIOTEL_ESM_HOOK_THREAD="yes please" is not true or false; using false.']);
    expect(esmHookPlace({ AIOTEL_ESM_HOOK_THREAD: 'false' }, new Set())).toBe(byDefault);
  });
});
