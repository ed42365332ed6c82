/**
 * RMSNorm and LayerNorm as transformers computes them: statistics in float32 whatever the model
 * dtype, Llama's `w * normed` in the model dtype, Gemma's `normed * (1 + w)` in float32.
 */

import { type NodeArgument, ScalarType } from '@etch/core';
import type { NormSpec } from './decoder-spec.js';
import type { ModelGraph } from './model-graph.js';

/** Normalizes the last dimension of `input` with the norm module `name` (its `.weight`/`.bias`). */
export function applyNorm(graph: ModelGraph, spec: NormSpec, name: string, input: NodeArgument): NodeArgument {
  const inputDtype = graph.builder.dtype(input);
  const wide = graph.toDtype(input, ScalarType.FLOAT);
  if (spec.kind === 'layer' && spec.perHead) {
    const [heads, size] = graph.shape(input).slice(-2) as number[];
    const weights = Array.from({ length: heads! }, (_, head) => graph.unsqueeze(graph.toDtype(graph.parameter(`${name}.norms.${head}.weight`), ScalarType.FLOAT), 0));
    const normalized = graph.layerNorm(wide, size!, null, null, spec.eps);
    return graph.toDtype(graph.mul(normalized, graph.cat(weights, 0)), inputDtype);
  }
  if (spec.kind === 'layer') {
    const size = graph.shape(input).at(-1) as number;
    const weight = spec.weight ? graph.toDtype(graph.parameter(`${name}.weight`), ScalarType.FLOAT) : null;
    const bias = spec.bias ? graph.toDtype(graph.parameter(`${name}.bias`), ScalarType.FLOAT) : null;
    return graph.toDtype(graph.layerNorm(wide, size, weight, bias, spec.eps), inputDtype);
  }
  const variance = graph.meanLastDim(graph.square(wide));
  const normalized = graph.mul(wide, graph.unary('rsqrt', graph.addScalar(variance, spec.eps)));
  const weight = graph.parameter(`${name}.weight`);
  if (spec.unitOffset) {
    const scale = graph.addScalar(graph.toDtype(weight, ScalarType.FLOAT), 1);
    return graph.toDtype(graph.mul(normalized, scale), inputDtype);
  }
  return graph.mul(weight, graph.toDtype(normalized, inputDtype));
}
