/**
 * `generation_config.json`: special tokens, decoding defaults, and the static cache etch fixes at
 * load time. The class keeps every key of the file (snake_case, unknown keys too) and writes it
 * back with `cache_implementation: "static"` and the effective `cache_config`, so a saved folder
 * reloads with the identical cache.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@etch/core';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import { configIssuesFrom } from '../config/config-issues.js';
import { readJsonFile } from '../config/model-config.js';
import type { StaticCacheConfig } from '../model-contract.js';
import { type CacheConfigOptions, type CacheLimits, cacheConfigFileSchema, cacheConfigToFile, resolveCacheConfig } from './cache-config.js';

/** The file name transformers reads and writes. */
export const GENERATION_CONFIG_FILE = 'generation_config.json';

const tokenId = z.number().int().nonnegative();

/** The keys etch reads; every other key is kept as is. */
const generationConfigSchema = z.looseObject({
  bos_token_id: tokenId.nullable().optional(),
  eos_token_id: z.union([tokenId, z.array(tokenId)]).nullable().optional(),
  pad_token_id: tokenId.nullable().optional(),
  max_length: z.number().int().positive().nullable().optional(),
  max_new_tokens: z.number().int().positive().nullable().optional(),
  do_sample: z.boolean().optional(),
  temperature: z.number().nonnegative().nullable().optional(),
  top_k: z.number().int().nonnegative().nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  repetition_penalty: z.number().positive().nullable().optional(),
  // transformers names ("static", "hybrid", "sliding_window", …): etch always builds a static
  // cache, honouring `cache_config`, whatever kind the file asks for.
  cache_implementation: z.string().nullable().optional(),
  cache_config: cacheConfigFileSchema.nullable().optional(),
  /** transformers 5's top-level static cache length; `cache_config.max_cache_len` wins over it. */
  max_cache_len: z.number().int().positive().nullable().optional(),
});

/** Where a generation config's defaults come from when the file leaves them out. */
export interface GenerationConfigContext {
  /** Special-token ids of `config.json` (transformers' `GenerationConfig.from_model_config`). */
  readonly modelTokens: { readonly bos: number | null; readonly eos: number | readonly number[] | null; readonly pad: number | null };
  readonly limits: CacheLimits;
  /** The caller's cache options; they override the file. */
  readonly cacheConfig?: CacheConfigOptions;
}

function toList(eos: number | readonly number[] | null | undefined): number[] {
  if (eos === null || eos === undefined) return [];
  return typeof eos === 'number' ? [eos] : [...eos];
}

/** A validated generation config with its static cache resolved. */
export class GenerationConfig {
  /** The file's keys as read (or derived from config.json when there was no file). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The static KV cache the model is exported with. */
  readonly cacheConfig: StaticCacheConfig;
  /** From generation_config.json, else config.json; null when neither sets one. */
  readonly bosTokenId: number | null;
  /** From generation_config.json, else config.json (an int or a list there); empty when neither sets one. */
  readonly eosTokenIds: readonly number[];
  private readonly headDim: number;

  private constructor(values: Record<string, unknown>, cacheConfig: StaticCacheConfig, bosTokenId: number | null, eosTokenIds: number[], headDim: number) {
    this.values = values;
    this.cacheConfig = cacheConfig;
    this.bosTokenId = bosTokenId;
    this.eosTokenIds = eosTokenIds;
    this.headDim = headDim;
  }

  /**
   * Validates a parsed generation config (`json`, or `undefined` when the folder has none) and
   * resolves its cache. `file` names it in errors.
   * @throws ConfigError for invalid keys, or invalid cache settings in the file or the options.
   */
  static parse(json: unknown, file: string, context: GenerationConfigContext): GenerationConfig {
    const source =
      json === undefined
        ? { _from_model_config: true, bos_token_id: context.modelTokens.bos, eos_token_id: context.modelTokens.eos, ...(context.modelTokens.pad === null ? {} : { pad_token_id: context.modelTokens.pad }) }
        : json;
    const result = generationConfigSchema.safeParse(source);
    if (!result.success) throw new ConfigError(file, configIssuesFrom(result.error), { hint: `fix the listed fields in ${file}` });
    // Keep the file's key order, so a saved file differs from the original only where etch changed it.
    const values: Record<string, unknown> = Object.fromEntries(Object.keys(source as object).map((key) => [key, (result.data as Record<string, unknown>)[key]]));
    const parsed = result.data;
    const fileCache = parsed.cache_config ?? (parsed.max_cache_len ? {} : undefined);
    const withLength = fileCache && { ...fileCache, max_cache_len: fileCache.max_cache_len ?? parsed.max_cache_len ?? undefined };
    const cacheConfig = resolveCacheConfig(context.cacheConfig, withLength, context.limits, file);
    const bosTokenId = parsed.bos_token_id ?? context.modelTokens.bos;
    const eosTokenIds = toList(parsed.eos_token_id ?? context.modelTokens.eos);
    return new GenerationConfig(values, cacheConfig, bosTokenId, eosTokenIds, context.limits.headDim);
  }

  /**
   * Reads `<directory>/generation_config.json` (absent is fine: the defaults come from config.json).
   * @throws ConfigError when the file is not JSON or fails validation.
   */
  static async fromDirectory(directory: string, context: GenerationConfigContext): Promise<GenerationConfig> {
    const file = join(directory, GENERATION_CONFIG_FILE);
    const json = existsSync(file) ? await readJsonFile(file) : undefined;
    return GenerationConfig.parse(json, file, context);
  }

  /**
   * The object `save` writes: the file's keys with `cache_implementation: "static"` and the
   * effective `cache_config` (and a top-level `max_cache_len`, when the file had one, kept in step).
   */
  toJSON(): Record<string, unknown> {
    return {
      ...this.values,
      ...(this.values['max_cache_len'] === undefined ? {} : { max_cache_len: this.cacheConfig.maxCacheLength }),
      cache_implementation: 'static',
      cache_config: cacheConfigToFile(this.cacheConfig, this.headDim),
    };
  }

  /** `toJSON()` as the UTF-8 bytes `save` writes (2-space indented, trailing newline). */
  toBytes(): Uint8Array {
    return new TextEncoder().encode(`${JSON.stringify(this.toJSON(), null, 2)}\n`);
  }

  /** Writes `<directory>/generation_config.json` atomically (temporary file, then rename); returns its path. */
  async save(directory: string): Promise<string> {
    const file = join(directory, GENERATION_CONFIG_FILE);
    await writeFileAtomic(file, this.toBytes());
    return file;
  }
}
