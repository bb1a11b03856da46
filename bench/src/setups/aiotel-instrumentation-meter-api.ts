import { OpenAIInstrumentation } from '@aiotel/instrumentation-openai';
import type { SetupContext, Telemetry } from '../protocol.ts';
import { startSdk } from './sdk.ts';

/**
 * Variant setup: `@aiotel/instrumentation-openai` with its defaults, on the hand-assembled SDK without the
 * aggregating meter provider: what an app that gives it the SDK's own MeterProvider pays.
 */
export async function setup(ctx: SetupContext): Promise<Telemetry> {
  return startSdk(ctx, [new OpenAIInstrumentation()], { aggregate: false });
}
