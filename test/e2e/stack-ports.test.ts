import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { installStack } from './src/binaries.js';
import { freePort } from './src/ports.js';
import { type RunningStack, startStack } from './src/stack.js';

// The stack picks its ports free (listen on port 0, close) and its processes bind them a moment later: another
// socket can take one in between, and that process exits. Here one port of the first pick is held on purpose
// (Jaeger's OTLP gRPC port, the one CI lost once): the stack must start over on other ports and come up.

const picks = vi.hoisted(() => ({ count: 0, taken: undefined as number | undefined }));
vi.mock('./src/ports.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./src/ports.js')>();
  return {
    ...real,
    freePorts: async (count: number) => {
      const ports = await real.freePorts(count);
      // The 5th of the stack's ports is Jaeger's OTLP gRPC receiver (src/stack.ts).
      if (picks.count++ === 0 && picks.taken !== undefined) ports[4] = picks.taken;
      return ports;
    },
  };
});

const workDir = mkdtempSync(join(tmpdir(), 'aiotel-e2e-ports-'));
let holder: Server | undefined;
let stack: RunningStack | undefined;

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => holder?.close(resolve) ?? resolve(undefined));
});

describe('the e2e stack', () => {
  it('starts over on other ports when one it picked is taken before its process binds it', async () => {
    const binaries = await installStack();
    const port = await freePort();
    // The collector of the first try connects to it as if it were Jaeger: drop such connections (a socket left open
    // would keep close() from ending).
    holder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder?.listen(port, '127.0.0.1', resolve));
    picks.taken = port;
    stack = await startStack(binaries, workDir);
    expect(picks.count).toBe(2);
    expect(readFileSync(join(workDir, 'jaeger.log'), 'utf8')).toContain(
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    expect(existsSync(join(workDir, 'jaeger-2.log'))).toBe(true);
    expect((await fetch(stack.collectorHealthUrl)).ok).toBe(true);
  });
});
