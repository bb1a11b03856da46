import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ColdMeasure } from '../src/span-serializer.ts';

const SCRIPT = fileURLToPath(new URL('../src/span-serializer.ts', import.meta.url));

function coldChild(side: string, encode: boolean): ColdMeasure {
  const out = execFileSync(
    process.execPath,
    [
      SCRIPT,
      '--cold-child',
      side,
      '--warmup',
      '30',
      '--spans',
      '100',
      '--encode',
      encode ? '1' : '0',
      '--json',
      '--genai-only',
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim()) as ColdMeasure;
}

describe('span-serializer --cold', () => {
  it("times a fresh process's first batches: every timed span encoded, its CPU and its main thread's", () => {
    for (const side of ['ours', 'upstream']) {
      const measure = coldChild(side, true);
      // 100 GenAI spans in OTLP JSON: well over a kilobyte each.
      expect(measure.bytes).toBeGreaterThan(100 * 1000);
      expect(measure.cpuUs).toBeGreaterThan(0);
      expect(measure.mainUs).toBeGreaterThan(0);
      expect(measure.mainUs).toBeLessThanOrEqual(measure.cpuUs * 1.05);
    }
  });

  it('makes the same spans but encodes none of them with --encode 0 (the baseline of --instructions)', () => {
    expect(coldChild('ours', false).bytes).toBe(0);
  });

  it('prints a figure per serializer, side by side', () => {
    const out = execFileSync(
      process.execPath,
      [SCRIPT, '--cold', '--rounds', '1', '--warmup', '30', '--spans', '100', '--json', '--genai-only'],
      { encoding: 'utf8' },
    );
    expect(out).toMatch(/^cold: 100 GenAI spans in batches of 512 after 30 encoded once/m);
    expect(out).toMatch(/^JsonTraceSerializer \(upstream\) +[\d.]+ µs\/span CPU/m);
    expect(out).toMatch(/^SpanJsonSerializer \(@aiotel\/node\) +[\d.]+ µs\/span CPU/m);
  });

  it('refuses --instructions without --cold, a side it does not know, and a count that is not positive', () => {
    const instructions = spawnSync(process.execPath, [SCRIPT, '--instructions'], { encoding: 'utf8' });
    expect(instructions.status).not.toBe(0);
    expect(instructions.stderr).toContain('--instructions counts the --cold run');
    const side = spawnSync(process.execPath, [SCRIPT, '--cold-child', 'theirs'], { encoding: 'utf8' });
    expect(side.status).not.toBe(0);
    expect(side.stderr).toContain('--cold-child theirs: upstream or ours');
    const spans = spawnSync(process.execPath, [SCRIPT, '--cold', '--spans', '0'], { encoding: 'utf8' });
    expect(spans.status).not.toBe(0);
    expect(spans.stderr).toContain('--spans must be a positive integer, got "0"');
  });
});
