/**
 * Qwen2: Llama with biases on q/k/v (found in the checkpoint) and, when `use_sliding_window` is
 * set, sliding windows on the layers `layer_types` names (by default those from
 * `max_window_layers` on).
 */

import { booleanValue, integerValue, stringList } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec, slidingWindows } from './llama-like.js';

type Config = Readonly<Record<string, unknown>>;

/** Qwen2/Qwen3 windows: `sliding_window` counts only with `use_sliding_window`. */
export function qwenSlidingWindows(config: Config): (number | null)[] {
  const numLayers = integerValue(config, 'num_hidden_layers');
  if (!booleanValue(config, 'use_sliding_window', false)) return new Array<number | null>(numLayers).fill(null);
  const maxWindowLayers = integerValue(config, 'max_window_layers', 28);
  const layerTypes =
    stringList(config, 'layer_types') ?? Array.from({ length: numLayers }, (_, i) => (i >= maxWindowLayers ? 'sliding_attention' : 'full_attention'));
  return slidingWindows(config, numLayers, layerTypes);
}

export function qwen2Spec(config: Config): DecoderSpec {
  const windows = qwenSlidingWindows(config);
  return llamaLikeSpec('qwen2', config, { layer: (index, base) => ({ ...base, slidingWindow: windows[index]! }) });
}
