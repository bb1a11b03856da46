import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** A real redis-server of Debian's package on a free loopback port, without persistence; stop and start it again. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** A client of the test's own (closed by `close()`). */
  client(): Redis;
  /** Kills the server (SIGKILL, as a crash); the port stays the server's for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted); nothing when it runs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (spawnSync(BINARY, ['--version']).error) {
    throw new Error(
      `redis-server not found (${BINARY}): install Debian's package (apt-get install redis-server, or run .ci/redis.sh), or set REDIS_SERVER to its path`,
    );
  }
  const port = await freePort();
  const clients: Redis[] = [];
  let proc: ChildProcess | undefined;

  const launch = async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) return;
    proc = spawn(
      BINARY,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}: ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
  };

  const kill = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const c = new Redis({ port, host: '127.0.0.1' });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    stop: kill,
    start: launch,
    async close() {
      for (const c of clients) c.disconnect();
      await kill();
    },
  };
}
