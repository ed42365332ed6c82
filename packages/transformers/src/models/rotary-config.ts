/**
 * Reads rotary embedding settings from `config.json`, in both spellings transformers has used:
 * `rope_theta` + `rope_scaling` (4.x files) and `rope_parameters` (5.x files), with
 * `partial_rotary_factor` at the top level or inside the parameters.
 */

import { numberValue, objectValue, optionalNumber, unsupported } from './config-values.js';
import type { RotarySpec } from './decoder-spec.js';

type Config = Readonly<Record<string, unknown>>;

export interface RotaryDefaults {
  readonly theta?: number;
  readonly partialRotaryFactor?: number;
  /** Config keys an architecture uses instead of the standard ones (GPT-NeoX's `rotary_pct`). */
  readonly thetaKey?: string;
  readonly partialRotaryFactorKey?: string;
}

export function rotaryFromConfig(config: Config, headDim: number, defaults: RotaryDefaults = {}): RotarySpec {
  const parameters = objectValue(config, 'rope_parameters');
  const scaling = objectValue(config, 'rope_scaling') ?? parameters;
  const theta =
    (parameters && optionalNumber(parameters, 'rope_theta')) ??
    (defaults.thetaKey ? optionalNumber(config, defaults.thetaKey) : null) ??
    numberValue(config, 'rope_theta', defaults.theta ?? 10000);
  const partialRotaryFactor =
    (parameters && optionalNumber(parameters, 'partial_rotary_factor')) ??
    (defaults.partialRotaryFactorKey ? optionalNumber(config, defaults.partialRotaryFactorKey) : null) ??
    optionalNumber(config, 'partial_rotary_factor') ??
    defaults.partialRotaryFactor ??
    1;
  const rotaryDim = Math.trunc(headDim * partialRotaryFactor);
  if (rotaryDim % 2 !== 0 || rotaryDim <= 0) {
    unsupported('partial_rotary_factor', `gives ${rotaryDim} rotary dimensions of head_dim ${headDim}; an even, positive count is needed`);
  }
  const type = scaling ? String(scaling['rope_type'] ?? scaling['type'] ?? 'default') : 'default';
  const factor = () => numberValue(scaling!, 'factor');
  switch (type) {
    case 'default':
      return { theta, rotaryDim, scaling: { kind: 'default' } };
    case 'linear':
      return { theta, rotaryDim, scaling: { kind: 'linear', factor: factor() } };
    case 'dynamic':
      return {
        theta,
        rotaryDim,
        scaling: { kind: 'dynamic', factor: factor(), maxPositionEmbeddings: numberValue(config, 'max_position_embeddings') },
      };
    case 'llama3':
      return {
        theta,
        rotaryDim,
        scaling: {
          kind: 'llama3',
          factor: factor(),
          lowFrequencyFactor: numberValue(scaling!, 'low_freq_factor'),
          highFrequencyFactor: numberValue(scaling!, 'high_freq_factor'),
          originalMaxPositionEmbeddings: numberValue(scaling!, 'original_max_position_embeddings'),
        },
      };
    default:
      return unsupported('rope_scaling.rope_type', `'${type}' is not supported (supported: default, linear, dynamic, llama3)`);
  }
}
