/**
 * Test support: a `LoadedCausalLM` with deterministic pseudo-random weights for any supported
 * architecture, shaped from its decoder spec, so structural properties of exported programs
 * (shapes, cache consistency, sliding windows, determinism) can be tested without checkpoints.
 * Parity with transformers is tested on real checkpoints (golden.test.ts, stories260k.test.ts).
 */

import { ScalarType, Tensor } from '@etch/core';
import type { LoadedCausalLM, StaticCacheConfig, WeightSource } from '../model-contract.js';
import { decoderSpecFor } from '../models/architectures/index.js';
import type { DecoderSpec, LinearModule } from '../models/decoder-spec.js';

/** mulberry32 seeded by the tensor name: the same name always gets the same values. */
function valuesFor(name: string, count: number, scale: number, offset: number): Float32Array {
  let seed = 2166136261;
  for (let i = 0; i < name.length; i++) seed = Math.imul(seed ^ name.charCodeAt(i), 16777619);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const uniform = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    values[i] = offset + (uniform * 2 - 1) * scale;
  }
  return values;
}

/** Every tensor a checkpoint of `spec` holds, with its shape. */
function weightShapes(spec: DecoderSpec, intermediateSize: number, maxPositions: number, biases: boolean): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const { hiddenSize: hidden, numHeads: heads, numKeyValueHeads: kvHeads, headDim } = spec;
  const linear = (module: LinearModule, outputs: number, inputs: number) => {
    shapes.set(`${module.name}.weight`, module.transposed ? [inputs, outputs] : [outputs, inputs]);
    if (biases) shapes.set(`${module.name}.bias`, [outputs]);
  };
  const norm = (name: string, size: number) => {
    const norm = spec.norm;
    if (norm.kind === 'rms' || norm.weight) shapes.set(`${name}.weight`, [size]);
    if (norm.kind === 'layer' && norm.bias) shapes.set(`${name}.bias`, [size]);
  };
  shapes.set(spec.tokenEmbedding, [spec.vocabSize, hidden]);
  if (spec.positionEmbedding) shapes.set(spec.positionEmbedding, [maxPositions, hidden]);
  for (const layer of spec.layers) {
    for (const name of [layer.attentionNorm, layer.feedForwardNorm, layer.postAttentionNorm, layer.postFeedForwardNorm]) if (name) norm(name, hidden);
    const perHead = spec.headNorm?.kind === 'layer' && spec.headNorm.perHead;
    for (const [name, count] of [[layer.queryNorm, heads], [layer.keyNorm, kvHeads]] as const) {
      if (!name) continue;
      if (!perHead) shapes.set(`${name}.weight`, [headDim]);
      else for (let head = 0; head < count; head++) shapes.set(`${name}.norms.${head}.weight`, [headDim]);
    }
    const qkv = layer.queryKeyValue;
    if (qkv.kind === 'separate') {
      linear(qkv.query, heads * headDim, hidden);
      linear(qkv.key, kvHeads * headDim, hidden);
      linear(qkv.value, kvHeads * headDim, hidden);
    } else {
      linear(qkv.projection, (heads + 2 * kvHeads) * headDim, hidden);
    }
    linear(layer.output, hidden, heads * headDim);
    const feedForward = layer.feedForward;
    if (feedForward.kind === 'gated') {
      linear(feedForward.gate, intermediateSize, hidden);
      linear(feedForward.up, intermediateSize, hidden);
    } else if (feedForward.kind === 'gated-fused') {
      linear(feedForward.gateUp, 2 * intermediateSize, hidden);
    } else {
      linear(feedForward.up, intermediateSize, hidden);
    }
    linear(feedForward.down, hidden, intermediateSize);
  }
  norm(spec.finalNorm, hidden);
  shapes.set(spec.languageModelHead, [spec.vocabSize, hidden]);
  return shapes;
}

export interface SyntheticModelOptions {
  readonly modelType: string;
  /** config.json keys (snake_case), as the loader would pass them. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly cache?: Partial<StaticCacheConfig>;
  readonly attnImplementation?: LoadedCausalLM['attnImplementation'];
  /** Give every linear a bias. */
  readonly biases?: boolean;
}

export function syntheticModel(options: SyntheticModelOptions): LoadedCausalLM {
  const spec = decoderSpecFor(options.modelType, options.config);
  const intermediate = Number(options.config['intermediate_size'] ?? options.config['n_inner'] ?? 4 * spec.hiddenSize);
  const maxPositions = Number(options.config['max_position_embeddings'] ?? options.config['n_positions'] ?? 128);
  const shapes = weightShapes(spec, intermediate, maxPositions, options.biases ?? false);
  const weights: WeightSource = {
    has: (name) => shapes.has(name),
    names: () => [...shapes.keys()],
    get: (name) => {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`synthetic checkpoint has no tensor '${name}'`);
      const count = shape.reduce((a, b) => a * b, 1);
      const isNorm = shape.length === 1 && !name.endsWith('.bias');
      const values = isNorm ? valuesFor(name, count, 0.1, spec.norm.kind === 'rms' && spec.norm.unitOffset ? 0 : 1) : valuesFor(name, count, shape.length === 1 ? 0.1 : 1.7 / Math.sqrt(shape.at(-1)!), 0);
      return Tensor.fromArray(ScalarType.FLOAT, shape, values);
    },
  };
  const encoder = new TextEncoder();
  return {
    modelType: options.modelType,
    config: options.config,
    weights,
    attnImplementation: options.attnImplementation ?? 'sdpa',
    dtype: 'float32',
    cacheConfig: { cacheImplementation: 'static', maxCacheLength: 32, maxBatchSize: 1, ...options.cache },
    bosTokenId: 1,
    eosTokenIds: [2],
    tokenizerFiles: { 'tokenizer.json': encoder.encode('{"model":{}}'), 'tokenizer_config.json': encoder.encode('{}') },
    generationConfigJson: encoder.encode('{"bos_token_id":1,"eos_token_id":2}'),
    directory: '(synthetic)',
  };
}
