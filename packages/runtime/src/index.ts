/**
 * @etch/runtime: loads ExecuTorch `.pte` programs and runs them in Node and browsers (`Module`),
 * tokenizes text (`Tokenizer`), and generates text from causal language models (`generate`).
 */

export { BackendUnavailableError, PromptTooLongError } from './errors.js';
export { Module, type LoadProgress, type ModuleFromProgramOptions, type ModuleLoadOptions } from './module/module.js';
export type { MethodInput } from './module/method.js';
export type { Dynamism, MethodMeta, ScalarInfo, TensorInfo, ValueInfo } from './module/method-meta.js';
export type { MetadataValue } from './module/metadata.js';
export type { ByteSource } from './module/source.js';
export type { NamedEntry } from './module/named-data.js';
export {
  Tokenizer,
  type ChatMessage,
  type ChatTemplateOptions,
  type DecodeOptions,
  type EncodeOptions,
  type NamedDataSource,
  type TokenizerFileContents,
  type TokenizerFiles,
} from './tokenizer/tokenizer.js';
export { IncrementalDecoder } from './tokenizer/incremental-decoder.js';
export {
  generate,
  generateStream,
  type GenerateLogger,
  type GenerateOptions,
  type GenerateResult,
  type GenerateStats,
  type GeneratedToken,
  type IgnoredCacheOptions,
  type StopReason,
} from './generate/generate.js';
export type { SamplingOptions } from './generate/sampler.js';
