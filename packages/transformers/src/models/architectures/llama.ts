/** Llama (and SmolLM/SmolLM2, which are Llama checkpoints): the reference layout, RoPE with default, linear, dynamic or llama3 scaling. */

import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec } from './llama-like.js';

export function llamaSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  return llamaLikeSpec('llama', config);
}
