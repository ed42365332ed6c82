/**
 * The static KV cache is fixed at load time, from (in order of precedence) the caller's
 * `cacheConfig` option, the `cache_config` of `generation_config.json`, and etch's defaults.
 * This module validates both sources and merges them into one `StaticCacheConfig`, and converts
 * it back to transformers' `cache_config` spelling for saving.
 */

import { ConfigError } from '@etch/core';
import { z } from 'zod';
import { configIssuesFrom } from '../config/config-issues.js';
import type { CacheQuantization, ModelDtype, StaticCacheConfig } from '../model-contract.js';

/**
 * Cache length used when neither the caller nor generation_config.json gives one, capped by the
 * model's positions: long enough for real prompts and chat templates (ExecuTorch's 128 is not),
 * small enough that a default export of a large-context model stays modest in memory.
 */
export const DEFAULT_MAX_CACHE_LENGTH = 1024;
/** Batch size used when neither the caller nor generation_config.json gives one. */
export const DEFAULT_MAX_BATCH_SIZE = 1;

const MODEL_DTYPES = ['float32', 'float16', 'bfloat16'] as const;
const positiveInt = z.number().int().positive();

/** A dtype name as transformers writes it (`float32` or `torch.float32`), reduced to etch's names. */
export const dtypeName = z
  .string()
  .transform((name) => name.replace(/^torch\./, ''))
  .pipe(z.enum(MODEL_DTYPES, { error: `expected one of ${MODEL_DTYPES.join(', ')} (optionally prefixed with "torch.")` }));

/**
 * `generation_config.json → cache_config`, with transformers' key names. Quantization uses the
 * names of transformers' QuantizedCache config: etch implements 8-bit per-token scales, which is
 * `nbits` 8 with `axis_key`/`axis_value` 0 and one group per head vector (`q_group_size` = head_dim),
 * and no unquantized residual (`residual_length` 0).
 */
export const cacheConfigFileSchema = z.looseObject({
  max_cache_len: positiveInt.optional(),
  batch_size: positiveInt.optional(),
  /** Older transformers spelling of batch_size. */
  max_batch_size: positiveInt.optional(),
  dtype: dtypeName.optional(),
  nbits: z.literal(8, { error: 'expected 8 (etch quantizes the KV cache to 8 bits only)' }).optional(),
  axis_key: z.literal(0, { error: 'expected 0 (per-token scales)' }).optional(),
  axis_value: z.literal(0, { error: 'expected 0 (per-token scales)' }).optional(),
  q_group_size: positiveInt.optional(),
  residual_length: z.literal(0, { error: 'expected 0 (the static cache keeps no unquantized residual)' }).optional(),
});

export type CacheConfigFile = z.infer<typeof cacheConfigFileSchema>;

/** The caller's `cacheConfig` option: any subset of `StaticCacheConfig`; given fields win over the file. */
export const cacheConfigOptionsSchema = z.strictObject({
  cacheImplementation: z.literal('static', { error: "expected 'static' (etch exports a static KV cache only)" }).optional(),
  maxCacheLength: positiveInt.optional(),
  maxBatchSize: positiveInt.optional(),
  dtype: z.enum(MODEL_DTYPES).optional(),
  quantization: z.strictObject({ nbits: z.literal(8), axis: z.literal('per-token') }).nullable().optional(),
});

/** What callers may pass as `cacheConfig` (`quantization: null` turns off a quantization the file asks for). */
export type CacheConfigOptions = z.input<typeof cacheConfigOptionsSchema>;

/** Model facts the cache depends on. */
export interface CacheLimits {
  /** Largest position the model can embed (`max_position_embeddings`, GPT-2's `n_positions`). */
  readonly maxPositions: number;
  /** True when positions are learned (GPT-2): the cache then cannot exceed `maxPositions`. */
  readonly learnedPositions: boolean;
  /** Per-head dimension: the quantization group of per-token scales. */
  readonly headDim: number;
}

/**
 * Merges the caller's options over the file's `cache_config` over the defaults.
 * @param file the parsed `cache_config`, or undefined when the file has none.
 * @param generationConfigFile path used in error messages about the file's values.
 * @throws ConfigError (file `options.cacheConfig` or the generation config) for invalid values.
 */
export function resolveCacheConfig(
  options: CacheConfigOptions | undefined,
  file: CacheConfigFile | undefined,
  limits: CacheLimits,
  generationConfigFile: string,
): StaticCacheConfig {
  const parsedOptions = cacheConfigOptionsSchema.safeParse(options ?? {});
  if (!parsedOptions.success) throw new ConfigError('options.cacheConfig', configIssuesFrom(parsedOptions.error));
  const given = parsedOptions.data;

  const fileQuantized = file?.nbits !== undefined;
  if (fileQuantized && file?.q_group_size !== undefined && file.q_group_size !== limits.headDim) {
    throw new ConfigError(generationConfigFile, [
      { path: 'cache_config.q_group_size', message: `expected ${limits.headDim} (head_dim: one scale per token and head), got ${file.q_group_size}` },
    ]);
  }

  const maxCacheLength = given.maxCacheLength ?? file?.max_cache_len ?? Math.min(DEFAULT_MAX_CACHE_LENGTH, limits.maxPositions);
  if (limits.learnedPositions && maxCacheLength > limits.maxPositions) {
    const source = given.maxCacheLength !== undefined ? 'options.cacheConfig' : generationConfigFile;
    throw new ConfigError(source, [
      { path: given.maxCacheLength !== undefined ? 'maxCacheLength' : 'cache_config.max_cache_len', message: `expected at most ${limits.maxPositions} (the model's learned positions), got ${maxCacheLength}` },
    ]);
  }
  const quantization: CacheQuantization | undefined =
    given.quantization === null ? undefined : (given.quantization ?? (fileQuantized ? { nbits: 8, axis: 'per-token' } : undefined));
  const dtype: ModelDtype | undefined = given.dtype ?? file?.dtype;
  return {
    cacheImplementation: 'static',
    maxCacheLength,
    maxBatchSize: given.maxBatchSize ?? file?.batch_size ?? file?.max_batch_size ?? DEFAULT_MAX_BATCH_SIZE,
    ...(dtype === undefined ? {} : { dtype }),
    ...(quantization === undefined ? {} : { quantization }),
  };
}

/** `cache_config` as transformers spells it, for writing generation_config.json. */
export function cacheConfigToFile(cacheConfig: StaticCacheConfig, headDim: number): Record<string, unknown> {
  return {
    max_cache_len: cacheConfig.maxCacheLength,
    batch_size: cacheConfig.maxBatchSize,
    ...(cacheConfig.dtype === undefined ? {} : { dtype: cacheConfig.dtype }),
    ...(cacheConfig.quantization === undefined
      ? {}
      : { nbits: cacheConfig.quantization.nbits, axis_key: 0, axis_value: 0, q_group_size: headDim, residual_length: 0 }),
  };
}
