/**
 * The architectures etch can build, by `model_type`. A plain lookup, not a registry: callers get
 * the spec for a loaded model and nothing registers itself.
 */

import { unsupported } from '../config-values.js';
import type { DecoderSpec } from '../decoder-spec.js';
import { gemmaSpec } from './gemma.js';
import { gemma2Spec } from './gemma2.js';
import { gpt2Spec } from './gpt2.js';
import { gptNeoxSpec } from './gpt-neox.js';
import { llamaSpec } from './llama.js';
import { mistralSpec } from './mistral.js';
import { olmoSpec } from './olmo.js';
import { phi3Spec } from './phi3.js';
import { qwen2Spec } from './qwen2.js';
import { qwen3Spec } from './qwen3.js';
import { stablelmSpec } from './stablelm.js';

type SpecFactory = (config: Readonly<Record<string, unknown>>) => DecoderSpec;

const ARCHITECTURES: Readonly<Record<string, SpecFactory>> = {
  llama: llamaSpec,
  mistral: mistralSpec,
  qwen2: qwen2Spec,
  qwen3: qwen3Spec,
  gemma: gemmaSpec,
  gemma2: gemma2Spec,
  phi3: phi3Spec,
  gpt2: gpt2Spec,
  gpt_neox: gptNeoxSpec,
  olmo: olmoSpec,
  stablelm: stablelmSpec,
};

/** The `model_type`s `exportProgram` supports. */
export const SUPPORTED_MODEL_TYPES: readonly string[] = Object.keys(ARCHITECTURES);

/** The decoder spec of a checkpoint, from its `model_type` and `config.json`. */
export function decoderSpecFor(modelType: string, config: Readonly<Record<string, unknown>>): DecoderSpec {
  const factory = ARCHITECTURES[modelType];
  if (!factory) unsupported('model_type', `'${modelType}' is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  return factory(config);
}
