import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AiotelLogger } from '../src/logger.js';
import { withinTimeout } from '../src/shutdown.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withinTimeout', () => {
  it('resolves true when the work finishes in time', async () => {
    await expect(withinTimeout(() => Promise.resolve(), 1000)).resolves.toBe(true);
  });

  it('gives up (false) on work that never finishes, with a warning', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    diag.setLogger(new AiotelLogger(DiagLogLevel.WARN), {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    });
    try {
      await expect(withinTimeout(() => new Promise<void>(() => {}), 5)).resolves.toBe(false);
    } finally {
      diag.disable();
    }
    expect(lines.join('')).toMatch(/took longer than 5 ms/);
  });

  it('never rejects: failing or throwing work counts as finished', async () => {
    await expect(withinTimeout(() => Promise.reject(new Error('export failed')), 1000)).resolves.toBe(true);
    await expect(
      withinTimeout(() => {
        throw new Error('sync throw');
      }, 1000),
    ).resolves.toBe(true);
  });
});
