/**
 * `exportProgram`: a loaded causal LM with its static cache → an etch `ExportedProgram` whose
 * `forward(input_ids int64 [1, seq], cache_position int64 [seq]) → logits float32 [1, seq, vocab]`
 * updates the KV cache buffers in place, carries the LLM runner's constant methods, and embeds
 * the tokenizer and generation config as named data. The same model and options always give the
 * same program.
 */

import { type ExportedProgram, InvalidArgumentError, type OperatorRegistry, ScalarType, coreOperators, createOperatorRegistry, sym } from '@etch/core';
import type { LoadedCausalLM, ModelDtype } from '../model-contract.js';
import { decoderSpecFor } from '../models/architectures/index.js';
import { buildDecoder } from '../models/build-decoder.js';
import { ModelGraph } from '../models/model-graph.js';
import { programMetadata } from './program-metadata.js';

/** The sequence-length symbol of dynamic prefill programs. */
export const SEQUENCE_SYMBOL = 'seq';

export interface ExportProgramProgress {
  readonly stage: 'graph';
  /** 0..1 */
  readonly fraction: number;
  readonly message: string;
}

export interface ExportProgramOptions {
  /** Tokens per call: 1 (decode-only, static shapes; the default) or a dynamic length up to `max` (parallel prefill). */
  readonly sequenceLength?: 1 | { readonly max: number };
  /** Return logits of the last position only ([1, 1, vocab]). Default false. */
  readonly lastLogitsOnly?: boolean;
  /** Embed tokenizer files and generation_config.json as named data. Default true. */
  readonly embedTokenizer?: boolean;
  /** Operators to build with (defaults to core's). */
  readonly registry?: OperatorRegistry;
  readonly onProgress?: (event: ExportProgramProgress) => void;
}

const SCALAR_TYPES: Record<ModelDtype, ScalarType> = {
  float32: ScalarType.FLOAT,
  float16: ScalarType.HALF,
  bfloat16: ScalarType.BFLOAT16,
};

function namedDataOf(model: LoadedCausalLM): Map<string, Uint8Array> {
  const entries = Object.entries(model.tokenizerFiles).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const data = new Map(entries);
  if (model.generationConfigJson) data.set('generation_config.json', model.generationConfigJson);
  return data;
}

/** Builds the forward program of `model` with its static KV cache. */
export function exportProgram(model: LoadedCausalLM, options: ExportProgramOptions = {}): ExportedProgram {
  const cacheConfig = model.cacheConfig;
  const maxCacheLength = cacheConfig.maxCacheLength;
  if (cacheConfig.maxBatchSize !== 1) {
    throw new InvalidArgumentError('cacheConfig.maxBatchSize', `is ${cacheConfig.maxBatchSize}; exported programs take one sequence`, {
      hint: 'load the model with cacheConfig.maxBatchSize 1',
    });
  }
  const sequenceLength = options.sequenceLength ?? 1;
  if (sequenceLength !== 1 && (!Number.isInteger(sequenceLength.max) || sequenceLength.max < 2 || sequenceLength.max > maxCacheLength)) {
    throw new InvalidArgumentError('sequenceLength.max', `must be an integer in [2, ${maxCacheLength}] (the cache length), got ${sequenceLength.max}`);
  }
  const spec = decoderSpecFor(model.modelType, model.config);
  const registry = options.registry ?? createOperatorRegistry(coreOperators());
  const dtype = SCALAR_TYPES[model.dtype];
  const graph = new ModelGraph(registry, model.weights, dtype);
  const seq = sequenceLength === 1 ? 1 : sym(SEQUENCE_SYMBOL);
  const inputIds = graph.input('input_ids', { kind: 'tensor', dtype: ScalarType.LONG, shape: [1, seq] });
  const cachePosition = graph.input('cache_position', { kind: 'tensor', dtype: ScalarType.LONG, shape: [seq] });
  const { logits, mutations } = buildDecoder(
    graph,
    spec,
    { inputIds, cachePosition },
    {
      attention: model.attnImplementation,
      lastLogitsOnly: options.lastLogitsOnly ?? false,
      cache: {
        batch: cacheConfig.maxBatchSize,
        keyValueHeads: spec.numKeyValueHeads,
        maxCacheLength,
        headDim: spec.headDim,
        dtype: SCALAR_TYPES[cacheConfig.dtype ?? model.dtype],
        quantization: cacheConfig.quantization ?? null,
      },
      onLayer: (built, total) => options.onProgress?.({ stage: 'graph', fraction: built / total, message: `layer ${built}/${total}` }),
    },
  );
  return graph.finish({
    mutations,
    outputs: [{ name: 'logits', value: logits }],
    symbols: sequenceLength === 1 ? {} : { [SEQUENCE_SYMBOL]: { min: 1, max: sequenceLength.max } },
    metadata: programMetadata({
      maxSequenceLength: sequenceLength === 1 ? maxCacheLength : sequenceLength.max,
      maxContextLength: maxCacheLength,
      vocabSize: spec.vocabSize,
      bosTokenId: model.bosTokenId,
      eosTokenIds: model.eosTokenIds,
      dynamicShape: sequenceLength !== 1,
      numLayers: spec.layers.length,
    }),
    namedData: options.embedTokenizer === false ? new Map() : namedDataOf(model),
  });
}
