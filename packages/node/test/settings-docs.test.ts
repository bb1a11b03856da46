// The READMEs' configuration tables say what the settings tables do: every row of NODE_SETTINGS and
// INSTRUMENTATION_SETTINGS appears with its variable, option and default, and no README row names a variable that no
// table reads (rows whose option says "—" are read by another package, e.g. @aiotel/cost).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Setting } from '@aiotel/genai-core';
import { INSTRUMENTATION_SETTINGS } from '@aiotel/instrumentation-openai';
import { describe, expect, it } from 'vitest';
import { ESM_HOOK_THREAD, NODE_SETTINGS } from '../src/settings.js';
import { PACKAGE_DIR } from './harness/app.js';

interface DocumentedRow {
  readonly variables: readonly string[];
  /** The row documents a variable another package reads (option `—`, or the variable in parentheses). */
  readonly elsewhere: boolean;
  readonly option: string;
  readonly default: string;
}

/** The rows of the first Markdown table whose header has these columns, cells by column name. */
function documentedSettings(
  file: string,
  columns: { env: string; option: string; default: string },
): DocumentedRow[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
  const headerAt = lines.findIndex(
    (line) =>
      line.startsWith('|') && cells(line).includes(columns.env) && cells(line).includes(columns.option),
  );
  if (headerAt < 0) throw new Error(`${file}: no table with columns ${columns.env} and ${columns.option}`);
  const header = cells(lines[headerAt] ?? '');
  const rows: DocumentedRow[] = [];
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.startsWith('|')) break;
    const row = cells(line);
    const cell = (name: string) => row[header.indexOf(name)] ?? '';
    rows.push({
      elsewhere: cell(columns.option).startsWith('—') || cell(columns.env).startsWith('('),
      variables: [...cell(columns.env).matchAll(/`((?:OTEL|AIOTEL)_[A-Z0-9_]+)`/g)].map(
        (match) => match[1] ?? '',
      ),
      option: cell(columns.option),
      default: cell(columns.default),
    });
  }
  return rows;
}

function documentedDefault(setting: Setting<unknown>): string {
  return setting.documentedDefault ?? `\`${String(setting.default)}\``;
}

function expectDocumented(rows: DocumentedRow[], settings: Readonly<Record<string, Setting<unknown>>>): void {
  for (const setting of Object.values(settings)) {
    const row = rows.find((candidate) => candidate.variables.includes(setting.env));
    expect(row, `${setting.env} has no README row`).toBeDefined();
    expect(row?.option, `${setting.env}: option`).toContain(`\`${setting.option}\``);
    expect(row?.default, `${setting.env}: default`).toContain(documentedDefault(setting));
  }
  const read = new Set(Object.values(settings).map((setting) => setting.env));
  for (const row of rows) {
    if (row.elsewhere) continue;
    for (const variable of row.variables)
      expect(read.has(variable), `README row ${variable} is read by nothing`).toBe(true);
  }
}

describe('the configuration tables of the READMEs', () => {
  it('@aiotel/node: one row per setting, with its option and default', () => {
    const rows = documentedSettings(join(PACKAGE_DIR, 'README.md'), {
      env: 'Variable',
      option: 'Option',
      default: 'Default',
    });
    expectDocumented(rows, NODE_SETTINGS);
    // Read by the register entry alone (no option in code), so it is not in NODE_SETTINGS.
    const hookRow = rows.find((row) => row.variables.includes(ESM_HOOK_THREAD.env));
    expect(hookRow, `${ESM_HOOK_THREAD.env} has no README row`).toBeDefined();
    expect(hookRow?.default).toBe(`\`${String(ESM_HOOK_THREAD.default)}\``);
  });

  it('@aiotel/instrumentation-openai: one row per setting, with its variable and default', () => {
    const rows = documentedSettings(join(PACKAGE_DIR, '..', 'instrumentation-openai', 'README.md'), {
      env: 'env var',
      option: 'option',
      default: 'default',
    });
    expectDocumented(rows, INSTRUMENTATION_SETTINGS);
  });
});
