/**
 * StableLM: Llama with LayerNorm (weight and bias), partial rotary (25% by default), optional q/k/v
 * biases (found in the checkpoint) and optionally the parallel residual sharing one norm.
 */

import { booleanValue, numberValue, unsupported } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec } from './llama-like.js';

export function stablelmSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  if (booleanValue(config, 'qk_layernorm', false)) unsupported('qk_layernorm', 'per-head LayerNorm of queries and keys is not supported');
  const parallel = booleanValue(config, 'use_parallel_residual', false);
  return llamaLikeSpec('stablelm', config, {
    norm: { kind: 'layer', eps: numberValue(config, 'layer_norm_eps', 1e-5), weight: true, bias: true },
    rotary: { partialRotaryFactor: 0.25 },
    residual: parallel ? 'parallel-shared-norm' : 'sequential',
    layer: (_, base) => (parallel ? { ...base, feedForwardNorm: null } : base),
  });
}
