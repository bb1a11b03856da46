import { type ChildProcess, fork } from 'node:child_process';

/** A helper process (fake server, sink) that reports `{ type: 'ready', url }` over IPC once listening. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Sends `{ type, id }` and resolves with the reply carrying the same id. */
  request<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `script` (a .ts file run by Node's type stripping) and waits for it to report its URL. */
export function startServerProcess(
  script: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = fork(script, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  let nextId = 0;
  const pending = new Map<number, (msg: unknown) => void>();
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`${script} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (msg: { type?: string; url?: string; id?: number }) => {
      if (msg.type === 'ready' && msg.url) {
        child.off('exit', onExit);
        resolve({
          url: msg.url,
          child,
          request: <T>(type: string) =>
            new Promise<T>((done) => {
              const id = nextId++;
              pending.set(id, done as (msg: unknown) => void);
              child.send({ type, id });
            }),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.disconnect();
              setTimeout(() => child.kill('SIGKILL'), 3000).unref();
            }),
        });
      } else if (typeof msg.id === 'number') {
        pending.get(msg.id)?.(msg);
        pending.delete(msg.id);
      }
    });
  });
}
