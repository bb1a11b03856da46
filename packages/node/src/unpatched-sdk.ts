import { isOpenAIInstrumented } from '@aiotel/instrumentation-openai';
import { diag } from '@opentelemetry/api';

/** The `User-Agent` the openai SDK sends (`OpenAI/JS 7.60.0`, `AzureOpenAI/JS …`), with its version. */
const OPENAI_USER_AGENT = /OpenAI\/JS (\S+)/;

let lastUserAgent = '';
let warned = false;

/**
 * Looks at the `User-Agent` of an outgoing request: an `openai` SDK that sends requests but was never patched makes
 * no GenAI span, and without this the user only sees HTTP spans and no reason. Warns once per process, saying how to
 * start the app. Every request of a client carries the same value, so a repeat costs one comparison.
 */
export function noticeUserAgent(userAgent: string): void {
  if (warned || userAgent === lastUserAgent) return;
  lastUserAgent = userAgent;
  const version = OPENAI_USER_AGENT.exec(userAgent)?.[1];
  if (version === undefined || isOpenAIInstrumented(version)) return;
  warned = true;
  diag.warn(
    `openai ${version} is sending requests but was not instrumented, so its calls get no GenAI spans or metrics. ` +
      'It was loaded as an ES module without the loader hook, or before telemetry started: start the app with ' +
      '`node --import @aiotel/node/register app.js` (not --require; in ESM, startTelemetry() alone cannot patch ' +
      "`import 'openai'`), or call startTelemetry() before the app loads openai.",
  );
}
