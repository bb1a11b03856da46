import { AnthropicInstrumentation } from '@aiotel/instrumentation-anthropic';
import type { SetupContext, Telemetry } from '../protocol.ts';
import { startSdk } from './sdk.ts';

/** Variant setup: `@aiotel/instrumentation-anthropic` with its defaults, on the hand-assembled SDK. */
export async function setup(ctx: SetupContext): Promise<Telemetry> {
  return startSdk(ctx, [new AnthropicInstrumentation()]);
}
