import { GenAIInstrumentationBase, patchedSdkCreate } from '@aiotel/instrumentation-openai/genai';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { AnthropicCall, type ClientLike } from './call.js';
import type { AnthropicInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Major versions of `@anthropic-ai/sdk` this package patches (tested: 0.137 and 1.17). */
export const SUPPORTED_ANTHROPIC_VERSIONS = '>=0.30 <2';

type Prototype = Record<string, unknown>;

// `messages.create` and `beta.messages.create`; `messages.stream()` and the beta helper call them.
const TARGETS: readonly (readonly string[])[] = [['Messages'], ['Beta', 'Messages']];

function supported(version: string | undefined): boolean {
  if (version === undefined) return true;
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === 1 || (major === 0 && (minor ?? 0) >= 30);
}

/**
 * OpenTelemetry instrumentation for `@anthropic-ai/sdk` 0.x and 1.x (ESM with the loader hook, and CJS): one CLIENT
 * span `chat {model}` and the GenAI metrics per `messages.create` call (JSON or streamed, `messages.stream()`,
 * `beta.messages`), with usage including prompt-cache reads and writes, and cost. Register it before the SDK loads.
 */
export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        ['*'],
        (exports: unknown, version?: string) => this.patch(exports, version),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  private patch(exports: unknown, version: string | undefined): unknown {
    try {
      if (!supported(version)) {
        this.warnOnce(
          String(version),
          `@anthropic-ai/sdk ${version} is not supported (supported: ${SUPPORTED_ANTHROPIC_VERSIONS}); its calls are not traced`,
        );
        return exports;
      }
      for (const path of TARGETS) {
        const proto = prototypeOf(exports, path);
        if (proto === undefined) {
          this.warnOnce(
            `${version}:${path.join('.')}`,
            `@anthropic-ai/sdk ${version ?? '(unknown version)'}: ${path.join('.')}.create not found; those calls are not traced`,
          );
          continue;
        }
        this._wrap(proto, 'create', (original) =>
          this.patchedCreate(original as (...args: unknown[]) => unknown),
        );
      }
    } catch (err) {
      this._diag.error('patching @anthropic-ai/sdk failed; its calls are not traced', err);
    }
    return exports;
  }

  private unpatch(exports: unknown): void {
    for (const path of TARGETS) {
      const proto = prototypeOf(exports, path);
      if (proto !== undefined) this._unwrap(proto, 'create');
    }
  }

  private patchedCreate(original: (...args: unknown[]) => unknown) {
    return patchedSdkCreate(original, {
      sdk: '@anthropic-ai/sdk',
      diag: this._diag,
      isEnabled: () => this.isEnabled(),
      startCall: (params, client) => new AnthropicCall(this.currentTelemetry(), params, client as ClientLike),
      warnOnce: (key, message) => this.warnOnce(key, message),
    });
  }
}

function prototypeOf(exports: unknown, path: readonly string[]): Prototype | undefined {
  const mod = exports as { Anthropic?: unknown; default?: unknown } | undefined;
  let target: unknown = mod?.Anthropic ?? mod?.default;
  for (const key of path) target = (target as Record<string, unknown> | undefined)?.[key];
  const proto = (target as { prototype?: Prototype } | undefined)?.prototype;
  return typeof proto?.create === 'function' ? proto : undefined;
}
