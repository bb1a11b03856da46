#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DIALECT_NAMES, type DialectName, dialectNamed } from './dialects.js';
import type { FakeLlmOptions, FaultRates } from './options.js';
import { startFakeLlm } from './server.js';

const HELP = `aiotel-fake-llm: an OpenAI-compatible fake server with realistic streaming, usage and faults.

Usage: aiotel-fake-llm [options]

  --port N               port to listen on (default 8787; 0 picks a free port)
  --host HOST            host to listen on (default 127.0.0.1)
  --no-latency           answer at once (benchmarks)
  --ttft-ms MS           time to first token (default 300)
  --token-ms MS          time per further token (default 20)
  --api-key KEY          require "Authorization: Bearer KEY" (401 otherwise)
  --fault-rate-429 P     probability 0..1 of a 429 with retry-after
  --fault-rate-500 P     probability of a 500
  --fault-rate-503 P     probability of a 503
  --fault-rate-529 P     probability of a 529 (Anthropic's overloaded body)
  --fault-rate-reset P   probability of a connection reset before any response
  --fault-rate-cut P     probability that a stream is cut half-way
  --fault-seed N         seed of the fault draws (default 1)
  --retry-after S        retry-after seconds on drawn 429s (default 1)
  --rpm N                enforce N requests per minute per model (429 beyond)
  --tpm N                enforce N tokens per minute per model (429 beyond)
  --no-prompt-cache      never report cached tokens
  --log-limit N          requests kept in the log (default 10000)
  --dialect NAME         how chat answers are worded: ${DIALECT_NAMES.join(', ')}
                         (default openai; per request: header x-fake-dialect)
  -h, --help             show this help

Per-request headers: x-fake-fault, x-fake-latency, x-fake-tokens, x-fake-scenario, x-fake-fault-times,
x-fake-dialect.
Inspection: GET /fake/stats, POST /fake/reset.`;

function fail(message: string): never {
  process.stderr.write(`aiotel-fake-llm: ${message}\nRun with --help for the options.\n`);
  process.exit(2);
}

function number(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    fail(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

function dialect(value: string): DialectName {
  const found = dialectNamed(value);
  if (found === undefined) fail(`--dialect must be one of ${DIALECT_NAMES.join(', ')}, got "${value}"`);
  return found.name;
}

function main(): void {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const rate = (name: string, value: string | undefined) => number(name, value, 0, 1);
  const faults: FaultRates = {
    rate429: rate('fault-rate-429', values['fault-rate-429']),
    rate500: rate('fault-rate-500', values['fault-rate-500']),
    rate503: rate('fault-rate-503', values['fault-rate-503']),
    rate529: rate('fault-rate-529', values['fault-rate-529']),
    resetRate: rate('fault-rate-reset', values['fault-rate-reset']),
    cutRate: rate('fault-rate-cut', values['fault-rate-cut']),
    seed: number('fault-seed', values['fault-seed'], 0, 2 ** 32 - 1),
    retryAfterSeconds: number('retry-after', values['retry-after'], 0, 86_400),
  };
  const anyFaults = Object.entries(faults).some(
    ([key, v]) => key !== 'seed' && key !== 'retryAfterSeconds' && v,
  );
  const options: FakeLlmOptions = {
    port: number('port', values.port, 0, 65_535) ?? 8787,
    host: values.host ?? '127.0.0.1',
    latency: values['no-latency']
      ? false
      : {
          ...(values['ttft-ms'] !== undefined
            ? { ttftMs: number('ttft-ms', values['ttft-ms'], 0, 600_000) }
            : {}),
          ...(values['token-ms'] !== undefined
            ? { tokenMs: number('token-ms', values['token-ms'], 0, 60_000) }
            : {}),
        },
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
    ...(anyFaults ? { faults } : {}),
    ...(values.rpm !== undefined || values.tpm !== undefined
      ? {
          rateLimits: {
            requestsPerMinute: number('rpm', values.rpm, 1, 1e9),
            tokensPerMinute: number('tpm', values.tpm, 1, 1e12),
          },
        }
      : {}),
    promptCache: !values['no-prompt-cache'],
    logLimit: number('log-limit', values['log-limit'], 0, 10_000_000) ?? 10_000,
    ...(values.dialect !== undefined ? { dialect: dialect(values.dialect) } : {}),
  };
  startFakeLlm(options).then(
    (fake) => {
      process.stdout.write(`aiotel-fake-llm listening on ${fake.url}\n`);
      const stop = () => {
        fake.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => fail(`cannot listen: ${error instanceof Error ? error.message : String(error)}`),
  );
}

function parse() {
  const args = process.argv.slice(2);
  // `pnpm start -- --port 1` passes the `--` through; accept it rather than fail on it.
  if (args[0] === '--') args.shift();
  return parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'no-latency': { type: 'boolean' },
      'ttft-ms': { type: 'string' },
      'token-ms': { type: 'string' },
      'api-key': { type: 'string' },
      'fault-rate-429': { type: 'string' },
      'fault-rate-500': { type: 'string' },
      'fault-rate-503': { type: 'string' },
      'fault-rate-529': { type: 'string' },
      'fault-rate-reset': { type: 'string' },
      'fault-rate-cut': { type: 'string' },
      'fault-seed': { type: 'string' },
      'retry-after': { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'no-prompt-cache': { type: 'boolean' },
      'log-limit': { type: 'string' },
      dialect: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}

main();
