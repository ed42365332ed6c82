/**
 * The contract between loading (config, weights, generation config, tokenizer) and the graph
 * builders/exporter: a loaded checkpoint is plain data plus a lazy weight source, so builders
 * never care whether weights came from one file, shards, or a test fixture.
 */

import type { Tensor } from '@etch/core';

export type AttnImplementation = 'sdpa' | 'eager';
export type ModelDtype = 'float32' | 'float16' | 'bfloat16';

/** Lazily read checkpoint tensors, by their names in the safetensors files. */
export interface WeightSource {
  has(name: string): boolean;
  names(): string[];
  /** The tensor as stored (F32, F16 or BF16 ScalarType); views the file where possible. */
  get(name: string): Tensor;
  /** The stored dtype (`F32`, …) and shape without reading the data; builders fall back to `get`. */
  describe?(name: string): { dtype: string; shape: readonly number[] };
}

/** Cache quantization as in transformers' `cache_config` (the seed's quantized cache). */
export interface CacheQuantization {
  readonly nbits: 8;
  /** Per-token scales (axis over head dim), as etch implements it. */
  readonly axis: 'per-token';
}

/** The static KV cache fixed at load time. */
export interface StaticCacheConfig {
  readonly cacheImplementation: 'static';
  readonly maxCacheLength: number;
  readonly maxBatchSize: number;
  readonly dtype?: ModelDtype;
  readonly quantization?: CacheQuantization;
}

/** What `AutoModelForCausalLM.fromPretrained` returns and `exportProgram` consumes. */
export interface LoadedCausalLM {
  /** `config.json`'s `model_type`, after aliases (SmolLM → llama). */
  readonly modelType: string;
  /** `config.json` after validation, keys as in the file (snake_case). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: WeightSource;
  readonly attnImplementation: AttnImplementation;
  readonly dtype: ModelDtype;
  readonly cacheConfig: StaticCacheConfig;
  readonly bosTokenId: number | null;
  readonly eosTokenIds: readonly number[];
  /** Raw tokenizer files to embed in the `.pte` as named data (absent when the folder has none). */
  readonly tokenizerFiles: Readonly<Record<string, Uint8Array>>;
  /** `generation_config.json` as it will be written back, raw bytes. */
  readonly generationConfigJson: Uint8Array | null;
  /** The folder the checkpoint was read from. */
  readonly directory: string;
}
