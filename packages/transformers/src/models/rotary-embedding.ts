/**
 * Rotary position embedding in the graph: cos/sin of `position · inverse_frequency` for the
 * call's positions (transformers' `RotaryEmbedding.forward`), and `apply_rotary_pos_emb` with the
 * split-halves `rotate_half` convention, on the first `rotaryDim` dims of each head.
 */

import { type NodeArgument, ScalarType, Tensor } from '@etch/core';
import type { RotarySpec } from './decoder-spec.js';
import type { ModelGraph } from './model-graph.js';
import { dependsOnPosition, inverseFrequencies, inverseFrequencyTable } from './rotary-frequencies.js';

export interface RotaryTables {
  /** [seq, rotaryDim] in the model dtype. */
  readonly cos: NodeArgument;
  readonly sin: NodeArgument;
  readonly rotaryDim: number;
}

/** cos/sin for `positions` (int64 [seq]); dynamic and LongRoPE scalings pick frequencies by the last position. */
export function rotaryTables(graph: ModelGraph, spec: RotarySpec, positions: NodeArgument, maxCacheLength: number): RotaryTables {
  const half = spec.rotaryDim / 2;
  let frequencies: NodeArgument;
  if (dependsOnPosition(spec)) {
    const table = inverseFrequencyTable(spec, maxCacheLength);
    const rows = graph.constant('rotary.inverse_frequency_by_position', Tensor.fromArray(ScalarType.FLOAT, [maxCacheLength, half], table));
    frequencies = graph.embedding(rows, graph.select(positions, 0, -1));
  } else {
    frequencies = graph.constant('rotary.inverse_frequency', Tensor.fromArray(ScalarType.FLOAT, [half], inverseFrequencies(spec)));
  }
  // int64 positions × float32 frequencies promotes to float32: transformers' `position_ids.float()` product.
  const angles = graph.mul(graph.unsqueeze(positions, -1), frequencies);
  const doubled = graph.cat([angles, angles], -1);
  const scaled = (value: NodeArgument) => (spec.attentionScaling === 1 ? value : graph.mulScalar(value, spec.attentionScaling));
  return {
    cos: graph.toDtype(scaled(graph.unary('cos', doubled)), graph.dtype),
    sin: graph.toDtype(scaled(graph.unary('sin', doubled)), graph.dtype),
    rotaryDim: spec.rotaryDim,
  };
}

function rotateHalf(graph: ModelGraph, input: NodeArgument, width: number): NodeArgument {
  const first = graph.slice(input, -1, 0, width / 2);
  const second = graph.slice(input, -1, width / 2, width);
  return graph.cat([graph.neg(second), first], -1);
}

/** Rotates [batch, heads, seq, headDim] by position; dims past `rotaryDim` pass through. */
export function applyRotary(graph: ModelGraph, input: NodeArgument, tables: RotaryTables, headDim: number): NodeArgument {
  const { rotaryDim } = tables;
  const rotated = rotaryDim === headDim ? input : graph.slice(input, -1, 0, rotaryDim);
  const embedded = graph.add(graph.mul(rotated, tables.cos), graph.mul(rotateHalf(graph, rotated, rotaryDim), tables.sin));
  if (rotaryDim === headDim) return embedded;
  return graph.cat([embedded, graph.slice(input, -1, rotaryDim, headDim)], -1);
}
