/**
 * `AutoModelForCausalLM.fromPretrained`: the one entry point that turns a Hugging Face folder or
 * hub id into a `LoadedCausalLM` — validated config, lazy weights, generation config with the
 * static cache fixed, special tokens, and the raw tokenizer files to embed in the `.pte`.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@etch/core';
import { z } from 'zod';
import { configIssuesFrom } from './config/config-issues.js';
import { type ModelConfig, loadModelConfig } from './config/model-config.js';
import type { CacheConfigOptions, CacheLimits } from './generation-config/cache-config.js';
import { GenerationConfig, type GenerationConfigContext } from './generation-config/generation-config.js';
import { type HubOptions, isHubId, resolveHubSnapshot } from './hub/hub-snapshot.js';
import type { LoadProgressEvent } from './load-progress.js';
import type { AttnImplementation, LoadedCausalLM, ModelDtype, StaticCacheConfig } from './model-contract.js';
import { type CheckpointWeights, openWeights } from './weights/open-weights.js';

/** The tokenizer files copied verbatim into `tokenizerFiles` when the folder has them. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

/** Options of `AutoModelForCausalLM.fromPretrained`. */
export interface FromPretrainedOptions extends HubOptions {
  /** Attention the graph builders emit: `sdpa` (one fused op, the default) or `eager` (matmul + softmax). */
  attnImplementation?: AttnImplementation;
  /**
   * Compute dtype of the exported model. Default `float32` (transformers 4's default); `auto`
   * takes config.json's `dtype`/`torch_dtype` when it is float32, float16 or bfloat16.
   */
  dtype?: ModelDtype | 'auto';
  /** Static cache settings; any field given here overrides generation_config.json's `cache_config`. */
  cacheConfig?: CacheConfigOptions;
  /** Called as files download and the checkpoint opens. */
  onProgress?: (event: LoadProgressEvent) => void;
}

const MODEL_DTYPES = ['float32', 'float16', 'bfloat16'] as const;

const optionsSchema = z.looseObject({
  attnImplementation: z.enum(['sdpa', 'eager']).optional(),
  dtype: z.enum([...MODEL_DTYPES, 'auto']).optional(),
});

/** A loaded Hugging Face causal LM: what `exportProgram` consumes. */
export class PreTrainedCausalLM implements LoadedCausalLM {
  readonly modelType: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: CheckpointWeights;
  readonly attnImplementation: AttnImplementation;
  readonly dtype: ModelDtype;
  readonly generationConfig: GenerationConfig;
  readonly tokenizerFiles: Readonly<Record<string, Uint8Array>>;
  readonly directory: string;

  constructor(fields: {
    modelConfig: ModelConfig;
    weights: CheckpointWeights;
    attnImplementation: AttnImplementation;
    dtype: ModelDtype;
    generationConfig: GenerationConfig;
    tokenizerFiles: Readonly<Record<string, Uint8Array>>;
    directory: string;
  }) {
    this.modelType = fields.modelConfig.modelType;
    this.config = fields.modelConfig.config;
    this.weights = fields.weights;
    this.attnImplementation = fields.attnImplementation;
    this.dtype = fields.dtype;
    this.generationConfig = fields.generationConfig;
    this.tokenizerFiles = fields.tokenizerFiles;
    this.directory = fields.directory;
  }

  get cacheConfig(): StaticCacheConfig {
    return this.generationConfig.cacheConfig;
  }

  get bosTokenId(): number | null {
    return this.generationConfig.bosTokenId;
  }

  get eosTokenIds(): readonly number[] {
    return this.generationConfig.eosTokenIds;
  }

  /** generation_config.json exactly as `generationConfig.save` writes it. */
  get generationConfigJson(): Uint8Array {
    return this.generationConfig.toBytes();
  }
}

/** Position limit and head size, read from a validated config, that the static cache depends on. */
export function cacheLimitsOf(modelConfig: ModelConfig): CacheLimits {
  const config = modelConfig.config;
  const learnedPositions = modelConfig.modelType === 'gpt2';
  return {
    maxPositions: (learnedPositions ? config['n_positions'] : config['max_position_embeddings']) as number,
    learnedPositions,
    headDim: config['head_dim'] as number,
  };
}

function modelTokensOf(config: Readonly<Record<string, unknown>>): GenerationConfigContext['modelTokens'] {
  return {
    bos: (config['bos_token_id'] as number | null) ?? null,
    eos: (config['eos_token_id'] as number | number[] | null) ?? null,
    pad: (config['pad_token_id'] as number | null) ?? null,
  };
}

function resolveDtype(requested: ModelDtype | 'auto' | undefined, config: Readonly<Record<string, unknown>>): ModelDtype {
  if (requested === undefined) return 'float32';
  if (requested !== 'auto') return requested;
  const stored = String(config['dtype'] ?? config['torch_dtype'] ?? 'float32').replace(/^torch\./, '');
  return (MODEL_DTYPES as readonly string[]).includes(stored) ? (stored as ModelDtype) : 'float32';
}

function readTokenizerFiles(directory: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of TOKENIZER_FILES) {
    const path = join(directory, name);
    if (existsSync(path)) files[name] = new Uint8Array(readFileSync(path));
  }
  return files;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Loads Hugging Face causal language models for export. */
export const AutoModelForCausalLM = {
  /**
   * Loads a model from a local folder or a Hugging Face Hub id (`org/name`). A hub id downloads
   * the needed files into the standard HF cache (or reuses a cached snapshot; see `HubOptions`).
   * @throws ConfigError for invalid options, config.json or generation_config.json;
   * CheckpointError for missing or malformed weights; HubError when a hub id cannot be resolved.
   */
  async fromPretrained(pathOrHubId: string, options: FromPretrainedOptions = {}): Promise<PreTrainedCausalLM> {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) throw new ConfigError('options', configIssuesFrom(parsed.error));
    const report = options.onProgress ?? (() => {});

    let directory: string;
    if (isDirectory(pathOrHubId)) directory = pathOrHubId;
    else if (isHubId(pathOrHubId)) directory = await resolveHubSnapshot(pathOrHubId, { ...options, onProgress: report });
    else {
      throw new ConfigError(pathOrHubId, [{ path: '', message: 'is neither a folder nor a Hugging Face Hub id (org/name)' }], {
        hint: 'pass a folder holding config.json and model.safetensors, or a hub id such as HuggingFaceTB/SmolLM2-135M',
      });
    }

    report({ stage: 'load', fraction: 0, message: `reading config from ${directory}` });
    const modelConfig = await loadModelConfig(directory);
    const generationConfig = await GenerationConfig.fromDirectory(directory, {
      modelTokens: modelTokensOf(modelConfig.config),
      limits: cacheLimitsOf(modelConfig),
      ...(options.cacheConfig === undefined ? {} : { cacheConfig: options.cacheConfig }),
    });
    report({ stage: 'load', fraction: 0.5, message: 'opening weights' });
    const weights = openWeights(directory);
    const tokenizerFiles = readTokenizerFiles(directory);
    report({ stage: 'load', fraction: 1, message: `loaded ${modelConfig.modelType} (${weights.names().length} tensors)` });
    return new PreTrainedCausalLM({
      modelConfig,
      weights,
      attnImplementation: options.attnImplementation ?? 'sdpa',
      dtype: resolveDtype(options.dtype, modelConfig.config),
      generationConfig,
      tokenizerFiles,
      directory,
    });
  },
};
