// The published shape end to end: spawned Node processes load the built package (dist/) with the
// ESM loader hook (`--import`) or CJS (`--require`), and an app that does `import OpenAI from
// 'openai'` / `require('openai')`, for every supported major (a temp dir whose node_modules/openai
// links to the installed alias). dist/ is rebuilt first when src/ is newer.
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type FakeLlm, startFakeLlm } from '@aiotel/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built-package.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const fixtures = join(here, 'fixtures');

interface AppReport {
  chunks: number;
  usageVisible: boolean;
  spans: { name: string; attributes: Record<string, unknown>; status: { code: number } }[];
}

let fake: FakeLlm;
let work: string;
beforeAll(async () => {
  ensureBuilt();
  fake = await startFakeLlm({ latency: false });
  work = mkdtempSync(join(tmpdir(), 'aiotel-spawned-'));
}, 120_000);
afterAll(async () => {
  await fake?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runApp(alias: string, mode: 'esm' | 'cjs'): Promise<AppReport> {
  const dir = join(work, `${alias}-${mode}`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(realpathSync(join(packageDir, 'node_modules', alias)), join(dir, 'node_modules', 'openai'));
  const body = readFileSync(join(fixtures, 'app-body.txt'), 'utf8');
  const app = mode === 'esm' ? join(dir, 'app.mjs') : join(dir, 'app.cjs');
  writeFileSync(
    app,
    mode === 'esm'
      ? `import OpenAI from 'openai';\n${body}`
      : `const mod = require('openai');\nconst OpenAI = mod.OpenAI ?? mod.default ?? mod;\n(async () => {\n${body}\n})();\n`,
  );
  const preload =
    mode === 'esm'
      ? ['--import', pathToFileURL(join(fixtures, 'register.mjs')).href]
      : ['--require', join(fixtures, 'register.cjs')];
  const { stdout } = await run(process.execPath, [...preload, app], {
    cwd: dir,
    env: { ...process.env, FAKE_URL: fake.url, OTEL_LOG_LEVEL: 'none' },
    timeout: 60_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as AppReport;
}

const cases = ['openai', 'openai6', 'openai5', 'openai4'].flatMap((alias) =>
  (['esm', 'cjs'] as const).map((mode) => ({ alias, mode })),
);

describe.concurrent('spawned apps', () => {
  for (const { alias, mode } of cases) {
    it(`patches ${alias} loaded by ${mode === 'esm' ? 'ESM import (--import hook)' : 'CJS require'}`, async () => {
      const report = await runApp(alias, mode);
      expect(report.spans.map((s) => s.name)).toEqual([
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'chat gpt-4o-mini',
        'embeddings text-embedding-3-small',
        'chat gpt-4o',
      ]);
      const [json, streamed, responses, embeddings, failed] = report.spans;
      expect(json?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(json?.attributes['gen_ai.usage.cost.amount']).toBeGreaterThan(0);
      expect(streamed?.attributes['gen_ai.request.stream']).toBe(true);
      expect(streamed?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(streamed?.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
      expect(report.chunks).toBeGreaterThan(2);
      expect(report.usageVisible).toBe(false);
      expect(responses?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(embeddings?.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(failed?.attributes['error.type']).toBe('429');
      expect(failed?.status.code).toBe(2);
    });
  }
});
