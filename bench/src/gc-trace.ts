/**
 * The collections in a `node --trace-gc` log: how many major (mark-compact) and minor (scavenge) collections ran
 * and their main-thread time, leaving out the full collections the bench forces itself (`gc()`, reason `testing`)
 * between windows, which every variant runs alike.
 */
export interface GcSummary {
  readonly majors: number;
  /** Pause plus the incremental marking steps before it, ms. */
  readonly majorMs: number;
  readonly scavenges: number;
  readonly scavengeMs: number;
}

// `[PID:ISOLATE]  327 ms: Mark-Compact 15.6 (23.1) -> 14.0 (23.1) MB, pooled: 0 MB, 1.93 / 0.00 ms  (+ 3.3 ms in 60
// steps since start of marking, …) (average mu = …) allocation failure; …`
const LINE =
  /\s(\d+) ms: (Mark-Compact|Scavenge) .*? MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in)?/;

/** The collections of `trace`; with `fromMs`/`toMs`, only those logged in that span of the process's time. */
export function gcSummary(trace: string, fromMs = 0, toMs = Number.POSITIVE_INFINITY): GcSummary {
  let majors = 0;
  let majorMs = 0;
  let scavenges = 0;
  let scavengeMs = 0;
  for (const line of trace.split('\n')) {
    const match = LINE.exec(line);
    if (match === null || /\btesting\b/.test(line)) continue;
    const at = Number(match[1]);
    if (at < fromMs || at > toMs) continue;
    const pause = Number(match[3]) + Number(match[4] ?? 0);
    if (match[2] === 'Mark-Compact') {
      majors++;
      majorMs += pause;
    } else {
      scavenges++;
      scavengeMs += pause;
    }
  }
  return { majors, majorMs, scavenges, scavengeMs };
}
