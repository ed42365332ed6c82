/** Qwen3: Qwen2 without the forced q/k/v bias, plus RMSNorm over each query and key head before RoPE. */

import { numberValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec } from './llama-like.js';
import { qwenSlidingWindows } from './qwen2.js';

export function qwen3Spec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const windows = qwenSlidingWindows(config);
  return llamaLikeSpec('qwen3', config, {
    headNorm: { kind: 'rms', eps: numberValue(config, 'rms_norm_eps', 1e-6), unitOffset: false },
    layer: (index, base) => ({
      ...base,
      slidingWindow: windows[index]!,
      queryNorm: `model.layers.${index}.self_attn.q_norm`,
      keyNorm: `model.layers.${index}.self_attn.k_norm`,
    }),
  });
}
