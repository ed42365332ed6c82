/**
 * StableLM: Llama with LayerNorm (weight and bias), partial rotary (25% by default), optional q/k/v
 * biases (found in the checkpoint), optional per-head LayerNorms of queries and keys
 * (`qk_layernorm`) and optionally the parallel residual sharing one norm.
 */

import { booleanValue, numberValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec } from './llama-like.js';

export function stablelmSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const parallel = booleanValue(config, 'use_parallel_residual', false);
  const headNorms = booleanValue(config, 'qk_layernorm', false);
  const eps = numberValue(config, 'layer_norm_eps', 1e-5);
  return llamaLikeSpec('stablelm', config, {
    norm: { kind: 'layer', eps, weight: true, bias: true },
    headNorm: { kind: 'layer', eps, weight: true, bias: false, perHead: true },
    rotary: { partialRotaryFactor: 0.25 },
    residual: parallel ? 'parallel-shared-norm' : 'sequential',
    layer: (index, base) => ({
      ...base,
      ...(parallel ? { feedForwardNorm: null } : {}),
      ...(headNorms ? { queryNorm: `model.layers.${index}.self_attn.q_layernorm`, keyNorm: `model.layers.${index}.self_attn.k_layernorm` } : {}),
    }),
  });
}
