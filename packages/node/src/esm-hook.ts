import { register } from 'node:module';
import { type Env, fromEnv } from '@aiotel/genai-core';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerInThread, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { ESM_HOOK_THREAD } from './settings.js';

/** Where the ESM loader hook runs: in the app's thread (`module.registerHooks`), or on a loader thread of its own. */
export type EsmHookPlace = 'in-thread' | 'loader-thread';

/**
 * Where the hook goes in this process: in the app's thread where Node runs import-in-the-middle's synchronous hooks
 * correctly (22.22.3+, 24.11.1+, 25.1+, 26+; `supportsSyncHooks`), unless `AIOTEL_ESM_HOOK_THREAD=true` asks for
 * the loader thread. In-thread, no thread starts and no ESM import waits for a message round trip to it: an ESM app
 * that imports `openai` and makes one call ends 0.35 s sooner, with 0.4 s less CPU and 29 MiB less peak memory
 * (bench/README.md, "Start-up").
 */
export function esmHookPlace(env: Env, warnings: { add(message: string): unknown }): EsmHookPlace {
  if (fromEnv(ESM_HOOK_THREAD, env, warnings) === true) return 'loader-thread';
  return supportsSyncHooks() ? 'in-thread' : 'loader-thread';
}

/**
 * Installs import-in-the-middle's ESM loader hook where {@link esmHookPlace} says, wrapping only the modules that
 * instrumentations hook (their names reach the hook over a message port, in-thread as across threads). Resolves once
 * the hook knows every module hooked so far: the preload awaits it before the app's imports run. Throws when Node
 * refuses the hook.
 */
export function installEsmHook(place: EsmHookPlace, parentUrl: string): () => Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  if (place === 'in-thread') {
    // The same options the loader thread gets as its `initialize` data (the include list and the port): the
    // synchronous hook applies them alike. Its typings list include/exclude only.
    registerInThread(registerOptions.data as Parameters<typeof registerInThread>[0]);
  } else {
    register('import-in-the-middle/hook.mjs', parentUrl, registerOptions);
  }
  return waitForAllMessagesAcknowledged;
}
