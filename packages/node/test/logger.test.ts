import { Redactor } from '@aiotel/genai-core';
import { DiagLogLevel } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AiotelLogger, warnConfig } from '../src/logger.js';

function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AiotelLogger', () => {
  it('prints each distinct message once, prefixed [aiotel], whatever numbers vary', () => {
    const lines = captureStderr();
    const logger = new AiotelLogger(DiagLogLevel.WARN);
    logger.warn('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    logger.warn('export failed: connect ECONNREFUSED 127.0.0.1:4318');
    logger.warn('export failed: connect ECONNREFUSED 127.0.0.1:4319');
    logger.error('another problem', new Error('boom'));
    expect(lines).toEqual([
      '[aiotel] warn: export failed: connect ECONNREFUSED 127.0.0.1:4318\n',
      '[aiotel] error: another problem Error: boom\n',
    ]);
  });

  it('repeats nothing away at debug level, where the user asked for everything', () => {
    const lines = captureStderr();
    const logger = new AiotelLogger(DiagLogLevel.DEBUG);
    logger.debug('same');
    logger.debug('same');
    expect(lines).toHaveLength(2);
  });

  it('scrubs secrets from what it prints', () => {
    const lines = captureStderr();
    const redactor = new Redactor();
    redactor.addSecret('learnt-secret-value');
    new AiotelLogger(DiagLogLevel.WARN, redactor).warn(
      'failed for https://h/x?api_key=abc with learnt-secret-value',
    );
    expect(lines).toEqual(['[aiotel] warn: failed for https://h/x?api_key=REDACTED with REDACTED\n']);
  });
});

describe('warnConfig', () => {
  it('writes one [aiotel] line, and nothing at all under OTEL_LOG_LEVEL=none', () => {
    const lines = captureStderr();
    warnConfig('could not install the ESM loader hook', { OTEL_LOG_LEVEL: 'None' });
    expect(lines).toEqual([]);
    warnConfig('could not install the ESM loader hook', {});
    expect(lines).toEqual(['[aiotel] warn: could not install the ESM loader hook\n']);
  });
});
