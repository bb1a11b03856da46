/**
 * A process's CPU time by thread name, read from Linux's `/proc/self/task`: `MainThread` (the app's JavaScript),
 * `V8Worker` (V8's helper threads: the optimizing compilers, the collector's parallel and concurrent work), libuv's
 * pool, and so on. `process.cpuUsage()` sums them all and `process.threadCpuUsage()` gives the main thread alone; this
 * says which of the others a window's CPU went to (bench/journal.md, the session of 03:03 UTC, 2026-12-06).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU nanoseconds each live thread has run so far, by thread id, with the thread's name. */
export type ThreadCpu = Map<string, { name: string; ns: number }>;

/** This process's threads and the CPU each has used (the scheduler's nanoseconds, `/proc/self/task/TID/schedstat`). */
export function threadCpu(): ThreadCpu {
  const threads: ThreadCpu = new Map();
  if (!existsSync('/proc/self/task'))
    throw new Error('CPU by thread reads /proc/self/task, which only Linux has');
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      threads.set(tid, { name, ns });
    } catch (err) {
      // A thread that ended between the listing and the read has nothing left to count; any other failure (a kernel
      // without schedstat) is the caller's to see.
      if (existsSync(`/proc/self/task/${tid}`)) throw err;
    }
  }
  return threads;
}

/** CPU milliseconds by thread name since `start` (threads started since count from zero). */
export function threadCpuSince(start: ThreadCpu): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [tid, { name, ns }] of threadCpu()) {
    byName.set(name, (byName.get(name) ?? 0) + (ns - (start.get(tid)?.ns ?? 0)) / 1e6);
  }
  return byName;
}
