import { Redactor } from '@aiotel/genai-core';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { CallCosting } from './cost.js';
import { createInstruments, type Instruments } from './metrics.js';
import { resolveSettings } from './settings.js';
import type { Telemetry } from './telemetry.js';
import type { OpenAIInstrumentationConfig } from './types.js';

/** The options every aiotel GenAI instrumentation takes (the openai ones without what only Chat Completions needs). */
export type GenAIInstrumentationConfig = Omit<OpenAIInstrumentationConfig, 'injectStreamUsage'>;

/** Warnings already given, per instrumentation and key: once per process, however many instances are made. */
const warned = new Set<string>();

/**
 * The lifecycle every aiotel SDK instrumentation shares: the GenAI instruments of its meter, and the telemetry its
 * calls read (tracer, instruments, settings, costing), rebuilt when the config or a provider changes. A subclass
 * says which module to patch and how (`init()`).
 */
export abstract class GenAIInstrumentationBase<
  C extends GenAIInstrumentationConfig,
> extends InstrumentationBase<C> {
  // `declare`: InstrumentationBase's constructor already calls the hooks that set these; a field
  // initializer would reset them after super().
  declare private instruments: Instruments;
  declare private telemetry: Telemetry | undefined;

  // Every option is optional, so `{}` is a complete config.
  override setConfig(config: C = {} as C): void {
    super.setConfig(config);
    this.telemetry = undefined;
  }

  override setTracerProvider(...args: Parameters<InstrumentationBase['setTracerProvider']>): void {
    super.setTracerProvider(...args);
    this.telemetry = undefined;
  }

  protected override _updateMetricInstruments(): void {
    this.instruments = createInstruments(this.meter);
    this.telemetry = undefined;
  }

  /** What a call starting now records with. */
  protected currentTelemetry(): Telemetry {
    if (this.telemetry === undefined) {
      const config = this.getConfig();
      this.telemetry = {
        tracer: this.tracer,
        instruments: this.instruments,
        settings: resolveSettings(config),
        costing: new CallCosting(config.pricer, config.prices),
        diag: this._diag,
        redactor: new Redactor({ env: process.env }),
      };
    }
    return this.telemetry;
  }

  /** A diag warning, given once per process for this instrumentation and `key`. */
  protected warnOnce(key: string, message: string): void {
    const scoped = `${this.instrumentationName}\u0000${key}`;
    if (warned.has(scoped)) return;
    warned.add(scoped);
    this._diag.warn(message);
  }
}
