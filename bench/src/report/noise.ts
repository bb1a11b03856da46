import type { Spread } from '../stats.ts';
import { roundsMet, type VariantSummary } from './summary.ts';
import { formatSpread } from './table.ts';

/** In how many of the rounds (those with a figure) the value was below `limit`: `2 of 5`. */
function below(values: readonly number[], limit: number): string {
  const { rounds } = roundsMet(values, (v) => v < limit);
  return `${rounds?.met ?? 0} of ${rounds?.of ?? 0}`;
}

function signedSpread(s: Spread): string {
  const f = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
  return s.n > 1 && s.min !== s.max ? `${f(s.median)} µs (${f(s.min)} to ${f(s.max)})` : `${f(s.median)} µs`;
}

/**
 * What the run's noise alone does to a variant that adds nothing: the control (a floor run again in its own
 * process, later in each round; side by side, beside a process of the floor) against its floor. A peer verdict that holds in no more rounds than the control
 * measured below its floor, or a difference its min–max covers, is not a measured difference. Undefined when the
 * run had no control.
 */
export function renderNoise(summaries: readonly VariantSummary[]): string | undefined {
  const control = summaries.find((s) => s.kind === 'control' && s.rounds > 0);
  if (control === undefined) return undefined;
  const floor = summaries.find((s) => s.id === control.floor);
  const { nonStreaming, streaming, concurrent } = control;
  return (
    `The run's noise: ${control.label}, ${floor?.label ?? control.floor} run a second time in its own process ` +
    `(beside one of the floor's, unless the run was one at a time) after the peers, measured ${formatSpread(nonStreaming.ratioToFloor, 3, '×')} its floor per call, ` +
    `${signedSpread(streaming.overheadUsPerChunk)} per chunk and ${formatSpread(concurrent.ratioToFloor, 3, '×')} ` +
    `per concurrent call; below its floor in ${below(nonStreaming.ratioByRound, 1)}, ` +
    `${below(streaming.overheadByRound, 0)} and ${below(concurrent.ratioByRound, 1)} rounds. ` +
    'A difference between two rows that this spread covers is not a measured one.'
  );
}
