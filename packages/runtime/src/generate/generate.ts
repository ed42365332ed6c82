/**
 * Text generation from a causal LM program with a static KV cache, following ExecuTorch's LLM
 * runner: the prompt is prefilled in one call when the program takes dynamic sequence lengths
 * (in chunks of `get_max_seq_len`), else token by token; then tokens are decoded one per call,
 * greedily at temperature 0 or by seeded sampling, until an EOS id, `maxNewTokens`, a stop string,
 * an abort, or the end of the cache. The cache size is fixed in the program at export, so the
 * cache options Hugging Face's `generate` takes are accepted and ignored with one warning.
 */

import { InvalidArgumentError } from '@etch/core';
import { PromptTooLongError } from '../errors.js';
import type { Module } from '../module/module.js';
import { type ChatMessage, Tokenizer } from '../tokenizer/tokenizer.js';
import { forwardConvention } from './forward-convention.js';
import { generationSettings } from './generation-settings.js';
import { Sampler, type SamplingOptions } from './sampler.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/** Why generation ended. */
export type StopReason = 'eos' | 'max-new-tokens' | 'cache-full' | 'stop-string' | 'aborted';

/** Where generation's warnings go. */
export interface GenerateLogger {
  warn(message: string): void;
}

/** One generated token and the text it completed (possibly empty while a character is incomplete). */
export interface GeneratedToken {
  readonly id: number;
  readonly text: string;
  /** 0 for the first generated token. */
  readonly index: number;
}

/** Cache options of Hugging Face's `generate`; the program's cache is fixed at export, so they are ignored. */
export interface IgnoredCacheOptions {
  cacheImplementation?: unknown;
  cacheConfig?: unknown;
  maxCacheLength?: unknown;
  maxCacheLen?: unknown;
  useCache?: unknown;
  cacheDtype?: unknown;
}

const IGNORED_CACHE_OPTIONS = ['cacheImplementation', 'cacheConfig', 'maxCacheLength', 'maxCacheLen', 'useCache', 'cacheDtype'] as const;

/** Options of `generate` and `generateStream`. */
export interface GenerateOptions extends SamplingOptions, IgnoredCacheOptions {
  /** Defaults to the tokenizer embedded in the program's named data, if any. */
  tokenizer?: Tokenizer;
  /** Text to continue (encoded with the tokenizer's special tokens, BOS included). */
  prompt?: string;
  /** A conversation rendered with the tokenizer's chat template. */
  messages?: readonly ChatMessage[];
  /** Token ids to continue, used as given. */
  promptIds?: readonly number[];
  /** Most tokens to generate (default: until EOS or the cache is full). */
  maxNewTokens?: number;
  /** Most tokens in prompt and generation together (llama2.c's `-n` steps plus one); also stops as 'max-new-tokens'. */
  maxTotalTokens?: number;
  /** Strings that end generation; the returned text stops before the first one. */
  stop?: string | readonly string[];
  /** Keep generating past EOS ids (as transformers' `generate(eos_token_id=None)` does). */
  ignoreEos?: boolean;
  signal?: AbortSignal;
  /** Called with the prompt's ids before the first forward call. */
  onPrompt?: (promptIds: readonly number[]) => void;
  /** Called with each generated id and the text it completed (empty while a character is incomplete). */
  onToken?: (id: number, text: string) => void;
  /** Return the logits each generated token was chosen from. */
  returnLogits?: boolean;
  /** Receives the warning about ignored options (default: console). */
  logger?: GenerateLogger;
  /**
   * The method to call (default `forward`; for programs exported as a `prefill`/`decode` pair,
   * `prefill` for the prompt and `decode` for each new token, as ExecuTorch's runner does. Such
   * programs keep their cache in shared buffers: load them with `shareMemoryArenas`).
   */
  method?: string;
}

/** Timings of one generation. */
export interface GenerateStats {
  /** Time to first token, prefill included. */
  readonly ttftMs: number;
  readonly prefillTokensPerSecond: number;
  /** Tokens per second of the decode calls (0 when there were none). */
  readonly decodeTokensPerSecond: number;
  readonly totalMs: number;
}

/** The outcome of one generation. */
export interface GenerateResult {
  readonly promptIds: number[];
  /** Generated ids, an EOS id included when generation stopped on it. */
  readonly generatedIds: number[];
  /** The generated text without special tokens ('' without a tokenizer). */
  readonly text: string;
  readonly stopReason: StopReason;
  readonly stats: GenerateStats;
  /** Row i holds the logits generated token i was chosen from (with `returnLogits`). */
  readonly logits?: Float32Array[];
}

function warnIgnoredOptions(options: GenerateOptions): void {
  const given = IGNORED_CACHE_OPTIONS.filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  const logger = options.logger ?? console;
  logger.warn(
    `generate: ignoring ${given.join(', ')}: the KV cache is fixed in the program when it is exported (a static cache); ` +
      'export again with other cache settings to change it',
  );
}

function resolveTokenizer(module: Module, options: GenerateOptions): Tokenizer | undefined {
  return options.tokenizer ?? Tokenizer.fromModule(module);
}

function promptIdsOf(options: GenerateOptions, tokenizer: Tokenizer | undefined): number[] {
  const given = [options.prompt !== undefined, options.messages !== undefined, options.promptIds !== undefined].filter(Boolean).length;
  if (given !== 1) throw new InvalidArgumentError('prompt', 'pass exactly one of prompt, messages and promptIds');
  if (options.promptIds) return [...options.promptIds];
  if (!tokenizer) {
    throw new InvalidArgumentError('tokenizer', 'a text prompt needs a tokenizer, and the program embeds none', {
      hint: 'pass { tokenizer: Tokenizer.fromFiles(…) } or promptIds',
    });
  }
  if (options.messages) return tokenizer.encode(tokenizer.applyChatTemplate(options.messages), { addSpecialTokens: false });
  return tokenizer.encode(options.prompt!);
}

function stopStringsOf(stop: GenerateOptions['stop']): string[] {
  const strings = stop === undefined ? [] : typeof stop === 'string' ? [stop] : [...stop];
  if (strings.some((value) => value.length === 0)) throw new InvalidArgumentError('stop', 'stop strings must not be empty');
  return strings;
}

const now = () => performance.now();

/** Modules in the middle of a generation: their one KV cache cannot serve two at once. */
const busyModules = new WeakSet<Module>();

/**
 * Generates token by token, yielding each as it is chosen; the iterator's return value is the
 * result. The module's KV cache is reused from position 0, so one module serves one generation at
 * a time: a second one fails until this iterator finishes (breaking out of `for await` or calling
 * `return()` finishes it too).
 */
export async function* generateStream(module: Module, options: GenerateOptions): AsyncGenerator<GeneratedToken, GenerateResult> {
  if (busyModules.has(module)) {
    throw new InvalidArgumentError('module', 'is already generating; its KV cache serves one generation at a time', {
      hint: 'await the running generation (or abort it) first, or load a second Module',
    });
  }
  busyModules.add(module);
  try {
    return yield* generateOnce(module, options);
  } finally {
    busyModules.delete(module);
  }
}

async function* generateOnce(module: Module, options: GenerateOptions): AsyncGenerator<GeneratedToken, GenerateResult> {
  warnIgnoredOptions(options);
  const settings = generationSettings(module.metadata());
  const methods = new Set(module.methodNames());
  const method = options.method ?? (methods.has('forward') || !methods.has('prefill') ? 'forward' : 'prefill');
  const convention = forwardConvention(module.methodMeta(method), settings);
  const decodeMethod = options.method === undefined && method !== 'forward' && methods.has('decode') ? 'decode' : method;
  const decodeConvention = decodeMethod === method ? convention : forwardConvention(module.methodMeta(decodeMethod), settings);
  if (decodeConvention.usesCache !== convention.usesCache || decodeConvention.vocabularySize !== convention.vocabularySize) {
    throw new InvalidArgumentError('decode', `'${decodeMethod}' and '${method}' disagree on the KV cache or the vocabulary size`);
  }
  const tokenizer = resolveTokenizer(module, options);
  const promptIds = promptIdsOf(options, tokenizer);
  if (promptIds.length === 0) throw new InvalidArgumentError('prompt', 'the prompt has no tokens; generation needs at least one (a BOS token, say)');
  const maxContext = convention.usesCache ? settings.maxContextLen : convention.maxTokensPerCall;
  if (maxContext === undefined) {
    throw new InvalidArgumentError('get_max_seq_len', 'the program has no get_max_seq_len or get_max_context_len constant method', {
      hint: 'export the model with its metadata (etch and ExecuTorch exports include it)',
    });
  }
  if (promptIds.length > maxContext) throw new PromptTooLongError(promptIds.length, maxContext);
  if (options.maxNewTokens !== undefined && !(options.maxNewTokens >= 0)) {
    throw new InvalidArgumentError('maxNewTokens', `must be ≥ 0, got ${options.maxNewTokens}`);
  }
  if (options.maxTotalTokens !== undefined && !(options.maxTotalTokens >= 0)) {
    throw new InvalidArgumentError('maxTotalTokens', `must be ≥ 0, got ${options.maxTotalTokens}`);
  }
  const maxNewTokens = Math.min(options.maxNewTokens ?? Number.POSITIVE_INFINITY, (options.maxTotalTokens ?? Number.POSITIVE_INFINITY) - promptIds.length);
  const eosIds = new Set(options.ignoreEos ? [] : (settings.eosIds ?? tokenizer?.eosTokenIds ?? []));
  const stopStrings = stopStringsOf(options.stop);
  if (stopStrings.length > 0 && !tokenizer) throw new InvalidArgumentError('stop', 'stop strings need a tokenizer');
  const longestStop = Math.max(0, ...stopStrings.map((value) => value.length));
  const sampler = new Sampler(convention.vocabularySize, options);
  const decoder = tokenizer?.createIncrementalDecoder({ skipSpecialTokens: true });
  const row = new Float32Array(convention.vocabularySize);
  const logits: Float32Array[] = [];
  const generatedIds: number[] = [];
  const aborted = () => options.signal?.aborted === true;

  options.onPrompt?.(promptIds);
  const started = now();
  let position = 0;
  let stopReason: StopReason | undefined;
  let text = '';
  let firstTokenAt = started;
  let decodeMs = 0;
  let decodeCalls = 0;

  // Prefill: the whole prompt, in calls of at most maxTokensPerCall tokens (or all at once without a cache).
  if (convention.usesCache) {
    for (let start = 0; start < promptIds.length && !stopReason; start += convention.maxTokensPerCall) {
      if (start > 0) await yieldToEventLoop();
      if (aborted()) stopReason = 'aborted';
      else {
        const chunk = promptIds.slice(start, start + convention.maxTokensPerCall);
        const [output] = module.execute(method, convention.inputs(chunk, position));
        position += chunk.length;
        if (position === promptIds.length) convention.lastRow(output!, row);
      }
    }
  } else if (aborted()) stopReason = 'aborted';
  else {
    const [output] = module.execute(method, convention.inputs(promptIds, 0));
    position = promptIds.length;
    convention.lastRow(output!, row);
  }
  const prefillEnded = now();
  if (!stopReason && maxNewTokens <= 0) stopReason = 'max-new-tokens';

  while (!stopReason) {
    const id = sampler.sample(row);
    if (options.returnLogits) logits.push(row.slice());
    const index = generatedIds.push(id) - 1;
    if (index === 0) firstTokenAt = now();
    const piece = decoder && !eosIds.has(id) ? decoder.push(id) : '';
    const searchFrom = Math.max(0, text.length - longestStop + 1);
    text += piece;
    options.onToken?.(id, piece);
    yield { id, text: piece, index };

    if (eosIds.has(id)) stopReason = 'eos';
    else if (stopStrings.length > 0) {
      const at = Math.min(...stopStrings.map((value) => text.indexOf(value, searchFrom)).map((found) => (found < 0 ? Number.POSITIVE_INFINITY : found)));
      if (at !== Number.POSITIVE_INFINITY) {
        text = text.slice(0, at);
        stopReason = 'stop-string';
      }
    }
    if (stopReason) break;
    if (generatedIds.length >= maxNewTokens) stopReason = 'max-new-tokens';
    else if (position >= maxContext) stopReason = 'cache-full';
    else {
      await yieldToEventLoop();
      if (aborted()) stopReason = 'aborted';
      else {
        const callStarted = now();
        const inputs = decodeConvention.usesCache ? decodeConvention.inputs([id], position) : decodeConvention.inputs([...promptIds, ...generatedIds], 0);
        const [output] = module.execute(decodeMethod, inputs);
        decodeConvention.lastRow(output!, row);
        position++;
        decodeMs += now() - callStarted;
        decodeCalls++;
      }
    }
  }
  if (decoder && stopReason !== 'stop-string') text += decoder.flush();

  const ended = now();
  const prefillSeconds = (prefillEnded - started) / 1000;
  return {
    promptIds,
    generatedIds,
    text,
    stopReason,
    stats: {
      ttftMs: generatedIds.length > 0 ? firstTokenAt - started : 0,
      prefillTokensPerSecond: prefillSeconds > 0 ? promptIds.length / prefillSeconds : 0,
      decodeTokensPerSecond: decodeMs > 0 ? decodeCalls / (decodeMs / 1000) : 0,
      totalMs: ended - started,
    },
    ...(options.returnLogits ? { logits } : {}),
  };
}

/** Generates text; see `generateStream` for a token-by-token iterator. */
export async function generate(module: Module, options: GenerateOptions): Promise<GenerateResult> {
  const stream = generateStream(module, options);
  for (;;) {
    const step = await stream.next();
    if (step.done) return step.value;
  }
}
