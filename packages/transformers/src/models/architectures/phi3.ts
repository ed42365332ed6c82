/** Phi-3: Llama with q/k/v fused in `qkv_proj` and gate/up fused in `gate_up_proj`, partial rotary, optional sliding window. */

import { integerValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec, slidingWindows } from './llama-like.js';

export function phi3Spec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const windows = slidingWindows(config, integerValue(config, 'num_hidden_layers'), null);
  return llamaLikeSpec('phi3', config, {
    layer: (index, base) => {
      const prefix = `model.layers.${index}`;
      return {
        ...base,
        slidingWindow: windows[index]!,
        queryKeyValue: { kind: 'concatenated', projection: { name: `${prefix}.self_attn.qkv_proj` } },
        feedForward: {
          kind: 'gated-fused',
          gateUp: { name: `${prefix}.mlp.gate_up_proj` },
          down: { name: `${prefix}.mlp.down_proj` },
          activation: base.feedForward.activation,
        },
      };
    },
  });
}
