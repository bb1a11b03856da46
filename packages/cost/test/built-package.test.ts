import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built package in a real Node process: what an app that installed it gets.
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function runNode(script: string): { stdout: string; stderr: string; status: number | null } {
  for (const file of ['index.mjs', 'index.cjs']) {
    if (!existsSync(dist + file))
      throw new Error(`packages/cost/dist/${file} is missing: run \`pnpm build\` first`);
  }
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, AIOTEL_PRICES_FILE: '', AIOTEL_PRICE_MARKUP: '' },
  });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

describe('the built package', () => {
  it('is Latin-1 text, which V8 keeps at one byte per character (one `→` in a comment doubles the source)', () => {
    for (const file of ['index.mjs', 'index.cjs']) {
      const text = readFileSync(dist + file, 'utf8');
      const wide = [...text].filter((c) => c.codePointAt(0)! > 0xff);
      expect(wide, file).toEqual([]);
    }
  });

  it('prices without loading @pydantic/genai-prices, decodes the priced providers only, and both builds in one process share loaded price data', () => {
    const script = `
      import { registerHooks, createRequire, syncBuiltinESMExports } from 'node:module';
      const zlib = createRequire(import.meta.url)('node:zlib');
      const inflate = zlib.inflateRawSync;
      let inflated = 0;
      zlib.inflateRawSync = (...args) => { inflated++; return inflate(...args); };
      syncBuiltinESMExports();
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
      const esm = await import(${JSON.stringify(`${dist}index.mjs`)});
      const cjs = createRequire(import.meta.url)(${JSON.stringify(`${dist}index.cjs`)});
      const usage = { inputTokens: 1e6, outputTokens: 1e6 };
      const out = { bundled: esm.priceCall(usage, 'gpt-4o', { provider: 'openai' })?.amountUsd };
      // Only the models of the providers priced are decoded: OpenAI's, then Anthropic's.
      esm.priceCall(usage, 'claude-sonnet-4-5', { baseUrl: 'https://relay.example.com/v1' });
      out.decoded = inflated;
      out.loaded = cjs.setPriceData([{ id: 'openai', models: [{ id: 'gpt-4o', match: { equals: 'gpt-4o' }, prices: { input_mtok: 1, output_mtok: 2 } }] }]);
      out.esmAfterCjsLoad = esm.priceCall(usage, 'gpt-4o', { provider: 'openai' })?.amountUsd;
      esm.setPriceData(null);
      out.cjsAfterEsmReset = cjs.priceCall(usage, 'gpt-4o', { provider: 'openai' })?.amountUsd;
      out.genaiPrices = resolved.filter((u) => u.includes('genai-prices')).length + Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('genai-prices')).length;
      console.log(JSON.stringify(out));
    `;
    const run = runNode(script);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      bundled: 12.5,
      decoded: 2,
      loaded: { ok: true, providers: 1, models: 1 },
      esmAfterCjsLoad: 3,
      cjsAfterEsmReset: 12.5,
      genaiPrices: 0,
    });
  });
});
