// Reads the price table bundled in the installed `@pydantic/genai-prices` through its public interface: the provider
// ids from its CLI's `list` command, each provider's records from `findProvider`. The library exports no list of
// providers; the counts its `list` prints are checked against what `findProvider` returns.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findProvider, type Provider } from '@pydantic/genai-prices';

export interface LibraryPriceData {
  /** `@pydantic/genai-prices <version>` */
  readonly source: string;
  /** The library's LICENSE file: its notice goes with the data. */
  readonly license: string;
  readonly providers: Provider[];
}

export function libraryPriceData(): LibraryPriceData {
  const root = dirname(dirname(createRequire(import.meta.url).resolve('@pydantic/genai-prices')));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  // To a file, not a pipe: the CLI exits with `process.exit`, which cuts output still queued for a pipe.
  const dir = mkdtempSync(join(tmpdir(), 'genai-prices-list-'));
  let listing: string;
  try {
    const file = join(dir, 'list.txt');
    const fd = openSync(file, 'w');
    try {
      execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'list'], {
        stdio: ['ignore', fd, 'inherit'],
      });
    } finally {
      closeSync(fd);
    }
    listing = readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // `Name: (N models)` then `  provider-id:model-id[: model name]` per model.
  const counts = [...listing.matchAll(/^\S.*: \((\d+) models?\)$/gm)].map((m) => Number(m[1]));
  const ids = [...new Set([...listing.matchAll(/^ {2}([^:\s]+):/gm)].map((m) => m[1]!))];
  const providers = ids.map((id) => {
    const provider = findProvider({ providerId: id });
    if (provider?.id !== id)
      throw new Error(`genai-prices ${version}: findProvider('${id}') gave ${provider?.id}`);
    return provider;
  });
  const listed = counts.reduce((a, b) => a + b, 0);
  const found = providers.reduce((n, p) => n + p.models.length, 0);
  if (counts.length !== providers.length || listed !== found) {
    throw new Error(
      `genai-prices ${version}: its list shows ${counts.length} providers and ${listed} models, ` +
        `findProvider gave ${providers.length} and ${found}`,
    );
  }
  const license = readFileSync(join(root, 'LICENSE'), 'utf8').trim();
  return { source: `@pydantic/genai-prices ${version}`, license, providers };
}
