/**
 * The collections in a `node --trace-gc` log: each line read once here ({@link gcEvent}, also for
 * src/compile-summary.ts), and summed ({@link gcSummary}): how many major (mark-compact) and minor (scavenge)
 * collections ran and their main-thread time, leaving out the full collections the bench forces itself (`gc()`,
 * reason `testing`) between windows, which every variant runs alike.
 */
export interface GcSummary {
  readonly majors: number;
  /** Pause plus the incremental marking steps before it, ms. */
  readonly majorMs: number;
  readonly scavenges: number;
  readonly scavengeMs: number;
}

/** One collection as `--trace-gc` logs it. */
export interface GcEvent {
  readonly kind: 'Mark-Compact' | 'Scavenge';
  /** When it was logged, ms of the process's time. */
  readonly atMs: number;
  /** The main-thread pause, ms. */
  readonly pauseMs: number;
  /** The incremental marking steps before a mark-compact, ms (0 when none are logged). */
  readonly markingStepsMs: number;
  /** V8's reason, the end of the line (`allocation failure; …`, `testing; …`); empty when none is given. */
  readonly reason: string;
}

// `[PID:ISOLATE]  327 ms: Mark-Compact 15.6 (23.1) -> 14.0 (23.1) MB, pooled: 0 MB, 1.93 / 0.00 ms  (+ 3.3 ms in 60
// steps since start of marking, …) (average mu = …) allocation failure; …`
const LINE = /\s(\d+) ms: (Mark-Compact|Scavenge)\b.*? MB, ([\d.]+) \/ [\d.]+ ms(.*)$/;
const MARKING_STEPS = /^\s+\(\+ ([\d.]+) ms in/;

/** The collection a `--trace-gc` line logs, or undefined for any other line. */
export function gcEvent(line: string): GcEvent | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const tail = match[4] ?? '';
  return {
    kind: match[2] as GcEvent['kind'],
    atMs: Number(match[1]),
    pauseMs: Number(match[3]),
    markingStepsMs: Number(MARKING_STEPS.exec(tail)?.[1] ?? 0),
    // The reason ends the line, after the last closing parenthesis.
    reason: tail.replace(/^.*\)\s*/, '').trim(),
  };
}

/** The collections of `trace`; with `fromMs`/`toMs`, only those logged in that span of the process's time. */
export function gcSummary(trace: string, fromMs = 0, toMs = Number.POSITIVE_INFINITY): GcSummary {
  let majors = 0;
  let majorMs = 0;
  let scavenges = 0;
  let scavengeMs = 0;
  for (const line of trace.split('\n')) {
    const event = gcEvent(line);
    if (event === undefined || /^testing\b/.test(event.reason)) continue;
    if (event.atMs < fromMs || event.atMs > toMs) continue;
    const ms = event.pauseMs + event.markingStepsMs;
    if (event.kind === 'Mark-Compact') {
      majors++;
      majorMs += ms;
    } else {
      scavenges++;
      scavengeMs += ms;
    }
  }
  return { majors, majorMs, scavenges, scavengeMs };
}
