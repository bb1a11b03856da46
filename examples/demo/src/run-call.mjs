// @ts-check
import { withAttributes } from '@aiotel/instrumentation-openai';

/**
 * @typedef {import('openai').default} OpenAI
 * @typedef {import('./workload.mjs').CallSpec} CallSpec
 */

/**
 * How one call ended, as the app saw it.
 *
 * @typedef {object} CallOutcome
 * @property {boolean} ok
 * @property {string | undefined} error the error's name as `error.type` gives it, e.g. `429`, `CircuitOpenError`
 * @property {string} text the answer (streamed chunks joined), empty on failure
 */

/**
 * An error under the name the call's span gives it in `error.type`, so the app's count and the telemetry's agree:
 * the HTTP status of an API error that has one (`500`, not `InternalServerError`), else the class name
 * (`CircuitOpenError`; `err.name` is `Error` for many of them).
 *
 * @param {unknown} error
 */
export function errorName(error) {
  if (error instanceof Error) {
    const { status } = /** @type {{ status?: unknown }} */ (error);
    if (typeof status === 'number') return String(status);
    const ctor = error.constructor?.name;
    return ctor && ctor !== 'Error' ? ctor : error.name;
  }
  return typeof error;
}

/**
 * Makes one chat call the way an app does (`for await` over chunks when streaming), inside
 * `withAttributes()` so its span and cost carry the feature and tenant. Never throws: the outcome says how
 * it ended.
 *
 * @param {OpenAI} client
 * @param {CallSpec} call
 * @returns {Promise<CallOutcome>}
 */
export function runCall(client, call) {
  const messages = /** @type {const} */ ([
    { role: 'system', content: call.system },
    { role: 'user', content: call.prompt },
  ]);
  const attributes = { 'app.feature': call.feature, 'app.tenant': call.tenant };
  return withAttributes(attributes, async () => {
    try {
      if (call.stream) {
        const stream = await client.chat.completions.create(
          { model: call.model, messages: [...messages], max_tokens: call.maxTokens, stream: true },
          { headers: call.headers },
        );
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        return { ok: true, error: undefined, text };
      }
      const completion = await client.chat.completions.create(
        { model: call.model, messages: [...messages], max_tokens: call.maxTokens },
        { headers: call.headers },
      );
      return { ok: true, error: undefined, text: completion.choices[0]?.message?.content ?? '' };
    } catch (error) {
      return { ok: false, error: errorName(error), text: '' };
    }
  });
}
