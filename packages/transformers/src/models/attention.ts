/**
 * Self-attention of one decoder layer with a static KV cache: project q/k/v (separate, fused, or
 * fused per head), optional per-head norms and clamping, rotary embedding, write this call's keys
 * and values into the cache at `cache_position`, then attend over the whole cache with the mask.
 * `sdpa` uses `aten::scaled_dot_product_attention` (core decomposes it for ExecuTorch); `eager`,
 * and any layer with logit soft-capping, spells out matmul → scale → softcap → mask → softmax →
 * matmul as transformers' `eager_attention_forward` does.
 */

import { type NodeArgument, ScalarType, Tensor } from '@etch/core';
import type { AttnImplementation } from '../model-contract.js';
import type { DecoderSpec, LayerSpec } from './decoder-spec.js';
import { applyLinear } from './feed-forward.js';
import type { KeyValueCache } from './kv-cache.js';
import type { ModelGraph } from './model-graph.js';
import { applyNorm } from './norms.js';
import { type RotaryTables, applyRotary } from './rotary-embedding.js';

export interface AttentionContext {
  readonly spec: DecoderSpec;
  readonly rotary: RotaryTables | null;
  readonly implementation: AttnImplementation;
  readonly positions: NodeArgument;
  readonly mask: NodeArgument;
  readonly cache: KeyValueCache;
}

/** [1, seq, heads·headDim] → [1, seq, heads, headDim] (heads move to dim 1 after any per-head norm). */
function splitHeads(graph: ModelGraph, input: NodeArgument, heads: number, headDim: number): NodeArgument {
  return graph.view(input, [1, -1, heads, headDim]);
}

function projectQueryKeyValue(graph: ModelGraph, spec: DecoderSpec, layer: LayerSpec, input: NodeArgument): [NodeArgument, NodeArgument, NodeArgument] {
  const { numHeads: heads, numKeyValueHeads: kvHeads, headDim } = spec;
  const projection = layer.queryKeyValue;
  switch (projection.kind) {
    case 'separate':
      return [
        splitHeads(graph, applyLinear(graph, projection.query, input), heads, headDim),
        splitHeads(graph, applyLinear(graph, projection.key, input), kvHeads, headDim),
        splitHeads(graph, applyLinear(graph, projection.value, input), kvHeads, headDim),
      ];
    case 'concatenated': {
      const fused = applyLinear(graph, projection.projection, input);
      const queryWidth = heads * headDim;
      const keyWidth = kvHeads * headDim;
      return [
        splitHeads(graph, graph.slice(fused, -1, 0, queryWidth), heads, headDim),
        splitHeads(graph, graph.slice(fused, -1, queryWidth, queryWidth + keyWidth), kvHeads, headDim),
        splitHeads(graph, graph.slice(fused, -1, queryWidth + keyWidth, queryWidth + 2 * keyWidth), kvHeads, headDim),
      ];
    }
    case 'per-head': {
      const fused = graph.view(applyLinear(graph, projection.projection, input), [1, -1, heads, 3 * headDim]);
      return [
        graph.slice(fused, -1, 0, headDim),
        graph.slice(fused, -1, headDim, 2 * headDim),
        graph.slice(fused, -1, 2 * headDim, 3 * headDim),
      ];
    }
  }
}

/** `repeat_kv`: [1, kvHeads, L, D] → [1, heads, L, D]. */
function repeatKeyValue(graph: ModelGraph, input: NodeArgument, groups: number): NodeArgument {
  if (groups === 1) return input;
  const [batch, kvHeads, length, headDim] = graph.shape(input) as number[];
  const expanded = graph.expand(graph.unsqueeze(input, 2), [batch!, kvHeads!, groups, length!, headDim!]);
  return graph.view(expanded, [batch!, kvHeads! * groups, length!, headDim!]);
}

function eagerAttention(graph: ModelGraph, spec: DecoderSpec, query: NodeArgument, keys: NodeArgument, values: NodeArgument, mask: NodeArgument): NodeArgument {
  const groups = spec.numHeads / spec.numKeyValueHeads;
  const heads = spec.numHeads;
  const headDim = spec.headDim;
  const fullKeys = repeatKeyValue(graph, keys, groups);
  const fullValues = repeatKeyValue(graph, values, groups);
  const length = graph.shape(fullKeys)[2] as number;
  const keysTransposed = graph.transpose(graph.view(fullKeys, [heads, length, headDim]), 1, 2);
  let scores = graph.view(graph.bmm(graph.view(query, [heads, -1, headDim]), keysTransposed), [1, heads, -1, length]);
  scores = graph.mulScalar(scores, spec.attentionScale);
  if (spec.attentionSoftcap !== null) {
    scores = graph.mulScalar(graph.unary('tanh', graph.divScalar(scores, spec.attentionSoftcap)), spec.attentionSoftcap);
  }
  // transformers adds the dtype's minimum to masked scores; -inf gives the same softmax.
  const masked = graph.where(mask, graph.toDtype(scores, ScalarType.FLOAT), graph.constant('attention.masked_score', Tensor.scalarFloat(-Infinity)));
  const probabilities = graph.toDtype(graph.softmaxLastDim(masked), graph.dtype);
  const output = graph.bmm(graph.view(probabilities, [heads, -1, length]), graph.view(fullValues, [heads, length, headDim]));
  return graph.view(output, [1, heads, -1, headDim]);
}

/** The attention block of layer `index` on the normed hidden states [1, seq, hidden]. */
export function applyAttention(graph: ModelGraph, context: AttentionContext, layer: LayerSpec, index: number, input: NodeArgument): NodeArgument {
  const { spec } = context;
  let [query, key, value] = projectQueryKeyValue(graph, spec, layer, input);
  if (spec.clipQueryKeyValue !== null) {
    const clip = spec.clipQueryKeyValue;
    [query, key, value] = [query, key, value].map((x) => graph.clamp(x, -clip, clip)) as [NodeArgument, NodeArgument, NodeArgument];
  }
  if (layer.queryNorm) query = applyNorm(graph, spec.headNorm ?? spec.norm, layer.queryNorm, query);
  if (layer.keyNorm) key = applyNorm(graph, spec.headNorm ?? spec.norm, layer.keyNorm, key);
  query = graph.transpose(query, 1, 2);
  key = graph.transpose(key, 1, 2);
  value = graph.transpose(value, 1, 2);
  if (context.rotary) {
    query = applyRotary(graph, query, context.rotary, spec.headDim);
    key = applyRotary(graph, key, context.rotary, spec.headDim);
  }
  const { keys, values } = context.cache.update(index, context.positions, key, value);
  const eager = context.implementation === 'eager' || spec.attentionSoftcap !== null;
  const attended = eager
    ? eagerAttention(graph, spec, query, keys, values, context.mask)
    : graph.scaledDotProductAttention(query, keys, values, context.mask, spec.attentionScale, spec.numHeads !== spec.numKeyValueHeads);
  const merged = graph.view(graph.transpose(attended, 1, 2), [1, -1, spec.numHeads * spec.headDim]);
  return applyLinear(graph, layer.output, merged);
}
