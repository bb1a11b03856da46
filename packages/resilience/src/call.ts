import type { Attributes, Span } from '@opentelemetry/api';

/** What the policies and telemetry know of a call: the span its events go to, and its bounded attributes. */
export interface CallAttributes {
  /** The span active when the SDK called fetch (the GenAI span), captured so stream events land on it too. */
  readonly span: Span | undefined;
  /** `host[:port]` of the request. */
  readonly server: string;
  /** `server.address` (host) and `server.port` of the request, frozen and shared per URL. */
  readonly serverAttributes: Attributes;
  readonly model: string | undefined;
  /** The breaker key (server and model by default). */
  readonly key: string;
}

/** Breaker states as the gauge records them and as the state-change event names them. */
export type BreakerStateName = 'closed' | 'open' | 'half_open';
