// `--require` entry for a peer in the start-up bench: starts the peer's bench setup (STARTUP_PEER_SETUP, a path from
// the working directory, e.g. peers/otel-contrib/setup.cjs: its own OTel SDK exporting OTLP/HTTP JSON to the sink)
// before the app loads `openai`, and flushes it when the app is done, as the preload's exit flush does. The setups
// register their instrumentation before their first `await`, so `require('openai')` is patched.
const { setup } = require(require('node:path').resolve(process.env.STARTUP_PEER_SETUP));
const started = setup({
  sinkUrl: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
  serviceName: 'startup',
  exportIntervalMs: 60_000,
});
process.once('beforeExit', () => {
  started.then((telemetry) => telemetry.shutdown());
});
