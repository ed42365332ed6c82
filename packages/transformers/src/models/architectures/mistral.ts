/** Mistral: Llama with a sliding attention window on every layer when `sliding_window` is set. */

import { integerValue } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec, slidingWindows } from './llama-like.js';

export function mistralSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  const windows = slidingWindows(config, integerValue(config, 'num_hidden_layers'), null);
  return llamaLikeSpec('mistral', config, { layer: (index, base) => ({ ...base, slidingWindow: windows[index]! }) });
}
