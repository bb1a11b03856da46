// @ts-check
/**
 * Progress of the workload on stderr: a redrawn bar on a terminal, plain lines (one per phase and per quarter
 * of the calls) when stderr is a file or a pipe, so CI logs stay readable.
 */

const BAR_WIDTH = 28;
/** Redraws closer together than this add nothing a human can see and cost CPU on a 2-core machine. */
const REDRAW_EVERY_MS = 80;

/**
 * @typedef {object} ProgressOptions
 * @property {number} total calls the workload will make
 * @property {NodeJS.WritableStream & { isTTY?: boolean }} [stream] where to draw; default `process.stderr`
 * @property {boolean} [tty] draw a bar instead of lines; default `stream.isTTY`
 * @property {() => number} [now] clock in ms; default `performance.now`
 */

export class Progress {
  /** @param {ProgressOptions} options */
  constructor(options) {
    this.total = Math.max(1, options.total);
    this.stream = options.stream ?? process.stderr;
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.lastDrawAt = Number.NEGATIVE_INFINITY;
    this.done = 0;
    this.failed = 0;
    this.phaseName = '';
    this.quartersShown = 0;
  }

  /**
   * Names the phase now running.
   *
   * @param {string} name
   */
  phase(name) {
    this.phaseName = name;
    if (this.tty) this.draw(true);
    else this.stream.write(`[demo] ${this.elapsed()} ${name}\n`);
  }

  /**
   * Counts one finished call.
   *
   * @param {boolean} ok false when the call ended with an error (expected injected faults included)
   */
  tick(ok) {
    this.done++;
    if (!ok) this.failed++;
    if (this.tty) {
      this.draw(false);
      return;
    }
    const quarters = Math.floor((4 * Math.min(this.done, this.total)) / this.total);
    if (quarters > this.quartersShown) {
      this.quartersShown = quarters;
      this.stream.write(`[demo] ${this.elapsed()} ${this.counts()}\n`);
    }
  }

  /** Leaves the bar complete on its own line. */
  finish() {
    if (this.tty) {
      this.draw(true);
      this.stream.write('\n');
    }
  }

  elapsed() {
    return `${((this.now() - this.startedAt) / 1000).toFixed(1).padStart(5)}s`;
  }

  counts() {
    return `${this.done}/${this.total} calls, ${this.failed} failed`;
  }

  /** @param {boolean} force */
  draw(force) {
    const at = this.now();
    if (!force && at - this.lastDrawAt < REDRAW_EVERY_MS && this.done < this.total) return;
    this.lastDrawAt = at;
    const filled = Math.round((BAR_WIDTH * Math.min(this.done, this.total)) / this.total);
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    this.stream.write(`\r\x1b[K${bar} ${this.counts()} ${this.elapsed()}  ${this.phaseName}`);
  }
}
