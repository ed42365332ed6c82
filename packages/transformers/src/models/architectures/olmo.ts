/** OLMo: Llama with LayerNorms that have neither weight nor bias (eps 1e-5), and optional q/k/v clamping (`clip_qkv`). */

import { optionalNumber } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { llamaLikeSpec } from './llama-like.js';

export function olmoSpec(config: Readonly<Record<string, unknown>>): DecoderSpec {
  return llamaLikeSpec('olmo', config, {
    norm: { kind: 'layer', eps: 1e-5, weight: false, bias: false },
    clipQueryKeyValue: optionalNumber(config, 'clip_qkv'),
  });
}
