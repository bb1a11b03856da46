'use strict';
// Variant setup for OpenLLMetry's @traceloop/instrumentation-anthropic, on the same SDK as ./setup.cjs.
const { AnthropicInstrumentation } = require('@traceloop/instrumentation-anthropic');
const { startWith } = require('./setup.cjs');

exports.setup = async (ctx) => startWith(ctx, new AnthropicInstrumentation());
