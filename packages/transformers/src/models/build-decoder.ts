/**
 * The one decoder skeleton every architecture shares: embed (× multiplier, + learned positions),
 * then per layer a norm → attention → residual and norm → feed-forward → residual in the layout
 * the spec names (sequential, parallel, Gemma 2's sandwich norms), the final norm, the output
 * projection and optional logit soft-capping. Inputs are `input_ids` [1, seq] and
 * `cache_position` [seq]; the result is float32 logits and the KV cache buffer updates.
 */

import { type NodeArgument, ScalarType } from '@etch/core';
import type { AttnImplementation } from '../model-contract.js';
import { AttentionMasks } from './attention-mask.js';
import { applyAttention } from './attention.js';
import type { DecoderSpec } from './decoder-spec.js';
import { applyFeedForward } from './feed-forward.js';
import { type BufferMutation, type CacheShape, KeyValueCache } from './kv-cache.js';
import type { ModelGraph } from './model-graph.js';
import { applyNorm } from './norms.js';
import { rotaryTables } from './rotary-embedding.js';

export interface DecoderInputs {
  readonly inputIds: NodeArgument;
  readonly cachePosition: NodeArgument;
}

export interface DecoderOptions {
  readonly attention: AttnImplementation;
  readonly cache: CacheShape;
  /** Project only the last position: logits [1, 1, vocab]. */
  readonly lastLogitsOnly: boolean;
  /** Called after each layer is added. */
  readonly onLayer?: (built: number, total: number) => void;
}

export interface DecoderOutputs {
  readonly logits: NodeArgument;
  readonly mutations: readonly BufferMutation[];
}

export function buildDecoder(graph: ModelGraph, spec: DecoderSpec, inputs: DecoderInputs, options: DecoderOptions): DecoderOutputs {
  const positions = inputs.cachePosition;
  let hidden = graph.builder.scope('model.embed_tokens', () => graph.embedding(graph.parameter(spec.tokenEmbedding), inputs.inputIds));
  if (spec.embeddingMultiplier !== null) hidden = graph.mulScalar(hidden, spec.embeddingMultiplier);
  if (spec.positionEmbedding !== null) hidden = graph.add(hidden, graph.embedding(graph.parameter(spec.positionEmbedding), positions));
  const rotary = spec.rotary ? graph.builder.scope('model.rotary_emb', () => rotaryTables(graph, spec.rotary!, positions, options.cache.maxCacheLength)) : null;
  const masks = new AttentionMasks(graph, positions, options.cache.maxCacheLength);
  const cache = new KeyValueCache(graph, options.cache);

  spec.layers.forEach((layer, index) => {
    hidden = graph.builder.scope(`model.layers.${index}`, () => {
      const context = { spec, rotary, implementation: options.attention, positions, mask: masks.forWindow(layer.slidingWindow), cache };
      const residual = hidden;
      const attentionInput = applyNorm(graph, spec.norm, layer.attentionNorm, residual);
      let attended = graph.builder.scope('self_attn', () => applyAttention(graph, context, layer, index, attentionInput));
      if (layer.postAttentionNorm) attended = applyNorm(graph, spec.norm, layer.postAttentionNorm, attended);
      switch (spec.residual) {
        case 'sequential': {
          const afterAttention = graph.add(residual, attended);
          let fed = graph.builder.scope('mlp', () => applyFeedForward(graph, layer.feedForward, applyNorm(graph, spec.norm, layer.feedForwardNorm!, afterAttention)));
          if (layer.postFeedForwardNorm) fed = applyNorm(graph, spec.norm, layer.postFeedForwardNorm, fed);
          return graph.add(afterAttention, fed);
        }
        case 'parallel': {
          const fed = graph.builder.scope('mlp', () => applyFeedForward(graph, layer.feedForward, applyNorm(graph, spec.norm, layer.feedForwardNorm!, residual)));
          return graph.add(graph.add(fed, attended), residual);
        }
        case 'parallel-shared-norm': {
          const fed = graph.builder.scope('mlp', () => applyFeedForward(graph, layer.feedForward, attentionInput));
          return graph.add(graph.add(residual, attended), fed);
        }
      }
    });
    options.onLayer?.(index + 1, spec.layers.length);
  });

  hidden = applyNorm(graph, spec.norm, spec.finalNorm, hidden);
  if (options.lastLogitsOnly) hidden = graph.unsqueeze(graph.select(hidden, 1, -1), 1);
  let logits = graph.builder.scope('lm_head', () => graph.linear(hidden, graph.parameter(spec.languageModelHead), null));
  if (spec.finalLogitSoftcap !== null) {
    logits = graph.mulScalar(graph.unary('tanh', graph.divScalar(logits, spec.finalLogitSoftcap)), spec.finalLogitSoftcap);
  }
  return { logits: graph.toDtype(logits, ScalarType.FLOAT), mutations: cache.mutations };
}
