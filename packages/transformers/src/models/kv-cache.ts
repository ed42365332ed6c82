/**
 * The static KV cache: per layer, key and value buffers [batch, kvHeads, maxCacheLength, headDim]
 * that persist across calls. Each call writes its keys and values at `cache_position` with a
 * functional `aten::index_put` whose result is written back to the buffer (core's
 * `to-out-variants` pass turns that into an in-place `index_put_`), and attention reads the
 * updated buffer. With int8 quantization the buffers hold int8 values plus per-token float64
 * scales and int64 zero points (`quantized_decomposed` per-token ops); attention reads the
 * dequantized cache with this call's own positions restored to full precision.
 */

import { type NodeArgument, ScalarType, int } from '@etch/core';
import type { CacheQuantization } from '../model-contract.js';
import type { ModelGraph } from './model-graph.js';

export interface CacheShape {
  readonly batch: number;
  readonly keyValueHeads: number;
  readonly maxCacheLength: number;
  readonly headDim: number;
  /** Dtype of the stored values when not quantized. */
  readonly dtype: ScalarType;
  readonly quantization: CacheQuantization | null;
}

export interface BufferMutation {
  readonly buffer: string;
  readonly value: NodeArgument;
}

const QUANTIZED_MIN = -128;
const QUANTIZED_MAX = 127;

/** The FQN of layer `index`'s key (`k`) or value (`v`) cache buffer. */
export function cacheBufferName(index: number, kind: 'k' | 'v'): string {
  return `model.layers.${index}.self_attn.${kind}_cache`;
}

export class KeyValueCache {
  readonly mutations: BufferMutation[] = [];

  constructor(
    private readonly graph: ModelGraph,
    readonly shape: CacheShape,
  ) {}

  /** Writes this call's keys and values for layer `index`; returns the full caches to attend over. */
  update(index: number, positions: NodeArgument, key: NodeArgument, value: NodeArgument): { keys: NodeArgument; values: NodeArgument } {
    return {
      keys: this.write(cacheBufferName(index, 'k'), positions, key),
      values: this.write(cacheBufferName(index, 'v'), positions, value),
    };
  }

  private write(name: string, positions: NodeArgument, states: NodeArgument): NodeArgument {
    const { batch, keyValueHeads, maxCacheLength, headDim } = this.shape;
    const graph = this.graph;
    const computeDtype = graph.builder.dtype(states);
    if (!this.shape.quantization) {
      const buffer = graph.mutableBuffer(name, this.shape.dtype, [batch, keyValueHeads, maxCacheLength, headDim]);
      const updated = graph.indexPutAtDim2(buffer, positions, graph.toDtype(states, this.shape.dtype));
      this.mutations.push({ buffer: name, value: updated });
      return graph.toDtype(updated, computeDtype);
    }
    const wide = graph.toDtype(states, ScalarType.FLOAT);
    const [scales, zeroPoints] = graph.builder.call('quantized_decomposed::choose_qparams_per_token_asymmetric', [wide, ScalarType.CHAR]) as [NodeArgument, NodeArgument];
    const quantized = graph.builder.op('quantized_decomposed::quantize_per_token', wide, scales, zeroPoints, int(QUANTIZED_MIN), int(QUANTIZED_MAX), ScalarType.CHAR);
    const tokenShape = [batch, keyValueHeads, maxCacheLength, 1];
    const stored = this.writeBuffer(name, ScalarType.CHAR, [batch, keyValueHeads, maxCacheLength, headDim], positions, quantized);
    const storedScales = this.writeBuffer(`${name}_scales`, ScalarType.DOUBLE, tokenShape, positions, scales);
    const storedZeroPoints = this.writeBuffer(`${name}_zero_points`, ScalarType.LONG, tokenShape, positions, zeroPoints);
    const dequantized = graph.builder.op(
      'quantized_decomposed::dequantize_per_token',
      stored,
      storedScales,
      storedZeroPoints,
      int(QUANTIZED_MIN),
      int(QUANTIZED_MAX),
      ScalarType.CHAR,
      ScalarType.FLOAT,
    );
    return graph.toDtype(graph.indexPutAtDim2(dequantized, positions, wide), computeDtype);
  }

  private writeBuffer(name: string, dtype: ScalarType, shape: readonly number[], positions: NodeArgument, values: NodeArgument): NodeArgument {
    const buffer = this.graph.mutableBuffer(name, dtype, shape);
    const updated = this.graph.indexPutAtDim2(buffer, positions, values);
    this.mutations.push({ buffer: name, value: updated });
    return updated;
  }
}
