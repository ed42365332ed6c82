/**
 * @etch/transformers: load Hugging Face causal language models (config, lazy safetensors weights,
 * generation config with a static KV cache, tokenizer files, Hub downloads) and export them as
 * etch programs.
 */

export type {
  AttnImplementation,
  CacheQuantization,
  LoadedCausalLM,
  ModelDtype,
  StaticCacheConfig,
  WeightSource,
} from './model-contract.js';
export { AutoModelForCausalLM, PreTrainedCausalLM, TOKENIZER_FILES, cacheLimitsOf, type FromPretrainedOptions } from './auto-model.js';
export type { LoadProgressEvent } from './load-progress.js';
export { loadModelConfig, parseModelConfig, type ModelConfig } from './config/model-config.js';
export { supportedModelTypes } from './config/architectures.js';
export { GenerationConfig, GENERATION_CONFIG_FILE, type GenerationConfigContext } from './generation-config/generation-config.js';
export {
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_CACHE_LENGTH,
  resolveCacheConfig,
  type CacheConfigOptions,
  type CacheLimits,
} from './generation-config/cache-config.js';
export { SafetensorsFile } from './weights/safetensors-file.js';
export { ShardedSafetensors } from './weights/sharded-safetensors.js';
export { openWeights, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, type CheckpointWeights } from './weights/open-weights.js';
export { isHubId, resolveHubSnapshot, type HubOptions } from './hub/hub-snapshot.js';
export { hubCacheDirectory } from './hub/hub-cache.js';
export {
  exportProgram,
  SEQUENCE_SYMBOL,
  type ExportProgramOptions,
  type ExportProgramProgress,
} from './export/export-program.js';
export { decoderSpecFor } from './models/architectures/index.js';
export type {
  Activation,
  DecoderSpec,
  FeedForward,
  LayerSpec,
  LinearModule,
  NormSpec,
  QueryKeyValue,
  Residual,
  RotarySpec,
} from './models/decoder-spec.js';
export { cacheBufferName } from './models/kv-cache.js';
export { writeFileAtomic } from './atomic-write.js';
