import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { ApiKind } from './attributes.js';
import { type ClientLike, GenAICall } from './call.js';
import { GenAIInstrumentationBase } from './genai-instrumentation.js';
import { patchedSdkCreate } from './sdk-create.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Major versions of `openai` this package patches. */
export const SUPPORTED_OPENAI_VERSIONS = '>=4 <8';
const SUPPORTED_MAJORS = new Set([4, 5, 6, 7]);

type AnyFunction = (...args: unknown[]) => unknown;
type Prototype = Record<string, unknown>;

// The SDK classes whose `create` is patched: every covered call (and the helpers built on them,
// such as `chat.completions.parse`, `.stream()`, `responses.parse`) goes through one of these.
const TARGETS: readonly { kind: ApiKind; path: readonly string[] }[] = [
  { kind: 'chat.completions', path: ['Chat', 'Completions'] },
  { kind: 'responses', path: ['Responses'] },
  { kind: 'embeddings', path: ['Embeddings'] },
];

/** Versions of `openai` the module hooks handed to this instrumentation (ESM or CJS copy, supported or not). */
const seenVersions = new Set<string>();

/**
 * Whether an `openai` module of this version (any version when not given) reached the instrumentation in this
 * process: it was patched, or the reason it could not be was already reported (an unsupported version). An SDK that
 * sends requests without this was loaded where no hook could see it (an ES module without the loader hook, or
 * loaded before the instrumentation was enabled).
 */
export function isOpenAIInstrumented(version?: string): boolean {
  return version === undefined ? seenVersions.size > 0 : seenVersions.has(version);
}

/**
 * OpenTelemetry instrumentation for the `openai` SDK 4.x to 7.x (ESM with the loader hook, and CJS):
 * one CLIENT span and one set of GenAI metrics per `chat.completions.create`, `responses.create`
 * and `embeddings.create` call, streamed or not, with token usage and cost. Register it before
 * `openai` is loaded.
 */
export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        // All versions reach patch(), so that an unsupported one is reported instead of ignored.
        ['*'],
        (exports: unknown, version?: string) => this.patch(exports, version),
        (exports: unknown) => this.unpatch(exports),
      ),
    ];
  }

  private patch(exports: unknown, version: string | undefined): unknown {
    seenVersions.add(version ?? '');
    try {
      if (version !== undefined && !SUPPORTED_MAJORS.has(Number.parseInt(version, 10))) {
        this.warnOnce(
          version,
          `openai ${version} is not supported (supported: ${SUPPORTED_OPENAI_VERSIONS}); its calls are not traced`,
        );
        return exports;
      }
      for (const { kind, path } of TARGETS) {
        const proto = this.prototypeOf(exports, path);
        if (proto === undefined) {
          this.warnOnce(
            `${version}:${kind}`,
            `openai ${version ?? '(unknown version)'}: ${kind}.create not found; those calls are not traced`,
          );
          continue;
        }
        this._wrap(proto, 'create', (original) => this.patchedCreate(kind, original as AnyFunction));
      }
    } catch (err) {
      this._diag.error('patching openai failed; its calls are not traced', err);
    }
    return exports;
  }

  private unpatch(exports: unknown): void {
    for (const { path } of TARGETS) {
      const proto = this.prototypeOf(exports, path);
      if (proto !== undefined) this._unwrap(proto, 'create');
    }
  }

  private prototypeOf(exports: unknown, path: readonly string[]): Prototype | undefined {
    const mod = exports as { OpenAI?: unknown; default?: unknown } | undefined;
    let target: unknown = mod?.OpenAI ?? mod?.default;
    for (const key of path) target = (target as Record<string, unknown> | undefined)?.[key];
    const proto = (target as { prototype?: Prototype } | undefined)?.prototype;
    return typeof proto?.create === 'function' ? proto : undefined;
  }

  private patchedCreate(kind: ApiKind, original: AnyFunction): AnyFunction {
    return patchedSdkCreate(original, {
      sdk: 'openai',
      diag: this._diag,
      isEnabled: () => this.isEnabled(),
      startCall: (params, client) =>
        new GenAICall(this.currentTelemetry(), kind, params, client as ClientLike | undefined),
      warnOnce: (key, message) => this.warnOnce(key, message),
    });
  }
}
