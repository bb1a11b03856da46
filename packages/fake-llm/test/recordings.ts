import { readFileSync } from 'node:fs';

/** One recorded exchange of a fixtures folder (see the folders' READMEs). */
export interface Exchange {
  path: string;
  body: Record<string, unknown>;
  status: number;
  response: unknown;
  rawHeaders: Record<string, string>;
}

/** Exchange `index` of the recording `name` in the fixtures folder `folder` (e.g. `openai-recordings`). */
export function recording(folder: string, name: string, index = 0): Exchange {
  const file = new URL(`./fixtures/${folder}/${name}.json`, import.meta.url);
  const exchanges = JSON.parse(readFileSync(file, 'utf8')) as Exchange[];
  const exchange = exchanges[index];
  if (!exchange) throw new Error(`no exchange ${index} in ${folder}/${name}`);
  return exchange;
}

/** Every key path of a JSON value; array elements collapse to `[]` so lengths do not matter. */
export function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, `${prefix}[]`, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      out.add(`${prefix}.${key}`);
      keyPaths(child, `${prefix}.${key}`, out);
    }
  }
  return out;
}
