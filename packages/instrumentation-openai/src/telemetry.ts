import type { Redactor } from '@aiotel/genai-core';
import type { DiagLogger, Tracer } from '@opentelemetry/api';
import type { CallCosting } from './cost.js';
import type { Instruments } from './metrics.js';
import type { Settings } from './settings.js';

/** What a call needs from the instrumentation, captured when the call starts. */
export interface Telemetry {
  readonly tracer: Tracer;
  readonly instruments: Instruments;
  readonly settings: Settings;
  readonly costing: CallCosting;
  readonly diag: DiagLogger;
  /** Scrubs exception messages; remembers each client's API key on its first failure. */
  readonly redactor: Redactor;
}
