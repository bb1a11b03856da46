import {
  GenAICallRecorder,
  type ObservedCall,
  OPERATION_CHAT,
  observeSdkStream,
  type RecordedCallStart,
  type ServerAttributes,
  serverAttributes,
  type Telemetry,
} from '@aiotel/instrumentation-openai/genai';
import type { Attributes, Context } from '@opentelemetry/api';
import { describeRequest } from './request.js';
import { MessageEventReader, summarizeMessage } from './response.js';

/** The `@anthropic-ai/sdk` client fields we read (`this._client` of a resource). */
export interface ClientLike {
  baseURL?: unknown;
  apiKey?: unknown;
}

/** The price table's provider id and the conventions' `gen_ai.provider.name` for the native SDK. */
const ANTHROPIC = 'anthropic';

/**
 * One `messages.create` call (also behind `messages.stream()` and `beta.messages`): what its parameters, `Message`
 * and stream events mean; the shared recorder does the span, metrics and cost. Ends exactly once.
 */
export class AnthropicCall implements ObservedCall, RecordedCallStart {
  readonly operation = OPERATION_CHAT;
  readonly providerName: string;
  readonly pricingProvider = ANTHROPIC;
  readonly requestModel: string;
  readonly server: ServerAttributes;
  readonly apiKey: string | undefined;
  readonly hasOutput = true;
  private readonly recorder: GenAICallRecorder;
  private readonly stream: boolean;
  private reader: MessageEventReader | undefined;

  // It is its own RecordedCallStart: no extra object or closure per call.
  constructor(
    private readonly telemetry: Telemetry,
    private readonly requestParams: Record<string, unknown>,
    client: ClientLike | undefined,
  ) {
    this.stream = requestParams.stream === true;
    this.providerName = telemetry.settings.providerName ?? ANTHROPIC;
    this.requestModel = typeof requestParams.model === 'string' ? requestParams.model : '';
    this.server = serverAttributes(client?.baseURL);
    this.apiKey = typeof client?.apiKey === 'string' ? client.apiKey : undefined;
    this.recorder = new GenAICallRecorder(telemetry, this);
  }

  get sdk(): string {
    return '@anthropic-ai/sdk';
  }

  /** Request attributes (and captured input) of the parameters. */
  describeRequest(attributes: Attributes): void {
    describeRequest(this.requestParams, this.telemetry.settings, attributes);
  }

  /** The context to run the SDK call in (the span is active there). */
  get context(): Context {
    return this.recorder.context;
  }

  /** The SDK's parsed result (a `Message`, or a `Stream` observed in place); returned unchanged. */
  onResult<T>(result: T): T {
    if (!this.recorder.firstResult()) return result;
    try {
      const stream = result as { iterator?: unknown } | null;
      if (this.stream && typeof stream?.iterator === 'function') observeSdkStream(stream as never, this);
      else this.recorder.finish(summarizeMessage(result, this.telemetry.settings.captureMessageContent));
    } catch (err) {
      this.recorder.internalError(err);
    }
    return result;
  }

  /** Reads a stream event and times output chunks; never hides one (returns false). Never throws. */
  readChunk(event: unknown): boolean {
    try {
      this.reader ??= new MessageEventReader(this.telemetry.settings.captureMessageContent);
      if (this.reader.read(event)) this.recorder.timeChunk(this.reader);
    } catch (err) {
      this.recorder.internalError(err);
    }
    return false;
  }

  /** The stream ended: normally, or (`aborted`) because the caller aborted its request. */
  streamEnded(aborted: boolean): void {
    this.recorder.streamEnded(aborted, this.reader);
  }

  /** The caller stopped reading early. */
  streamClosed(): void {
    this.recorder.streamClosed(this.reader);
  }

  /** The call failed, or its stream did (an HTTP error, a lost connection, an `error` event). */
  fail(err: unknown): void {
    this.recorder.fail(err, this.reader);
  }

  /** The caller took the raw `Response` (`asResponse()`): the body is theirs, the call ends here. */
  rawResponseTaken(): void {
    this.recorder.rawResponseTaken();
  }
}
