'use strict';
// Variant setup for OpenLIT: openlit.init() assembles its own OTel SDK (traces, metrics, events) and
// patches openai (>= 3.1, so 7 too). Defaults kept except: message content off (as in every variant),
// prices given inline (its default fetches a price list from the internet at start).
const { metrics, trace } = require('@opentelemetry/api');
const { logs } = require('@opentelemetry/api-logs');
const openlit = require('openlit').default;

// OpenLIT prices per 1K tokens; gpt-4o-mini's list prices.
const PRICES = { chat: { 'gpt-4o-mini': { promptPrice: 0.00015, completionPrice: 0.0006 } } };

exports.setup = async function setup(ctx) {
  openlit.init({
    applicationName: ctx.serviceName,
    otlpEndpoint: ctx.sinkUrl,
    captureMessageContent: false,
    pricingJson: PRICES,
  });
  const proxy = trace.getTracerProvider();
  const providers = [
    proxy.getDelegate ? proxy.getDelegate() : proxy,
    metrics.getMeterProvider(),
    logs.getLoggerProvider(),
  ];
  const flush = async () => {
    for (const p of providers) if (typeof p.forceFlush === 'function') await p.forceFlush();
  };
  return { flush, shutdown: flush };
};
