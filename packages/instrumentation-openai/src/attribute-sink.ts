import type { Span } from '@opentelemetry/api';

/** Where a call's attributes go: its span, one `setAttribute` each (no attributes object built and walked). */
export type AttributeSink = Pick<Span, 'setAttribute'>;
