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
  const base = { theta, rotaryDim, attentionScaling: 1 };
  switch (type) {
    case 'default':
      return { ...base, scaling: { kind: 'default' } };
    case 'linear':
      return { ...base, scaling: { kind: 'linear', factor: factor() } };
    case 'longrope':
    case 'su':
      return longropeFromConfig(config, scaling!, base);
    case 'dynamic':
      return {
        ...base,
        scaling: { kind: 'dynamic', factor: factor(), maxPositionEmbeddings: numberValue(config, 'max_position_embeddings') },
      };
    case 'llama3':
      return {
        ...base,
        scaling: {
          kind: 'llama3',
          factor: factor(),
          lowFrequencyFactor: numberValue(scaling!, 'low_freq_factor'),
          highFrequencyFactor: numberValue(scaling!, 'high_freq_factor'),
          originalMaxPositionEmbeddings: numberValue(scaling!, 'original_max_position_embeddings'),
        },
      };
    default:
      return unsupported('rope_scaling.rope_type', `'${type}' is not supported (supported: default, linear, dynamic, llama3, longrope)`);
  }
}

function factorList(scaling: Config, key: string, count: number): number[] {
  const value = scaling[key];
  if (!Array.isArray(value) || value.length !== count || !value.every((item) => typeof item === 'number')) {
    unsupported(`rope_scaling.${key}`, `must list ${count} numbers (one per rotary frequency)`);
  }
  return value as number[];
}

/**
 * transformers' `_compute_longrope_parameters`: `attention_factor` defaults to
 * sqrt(1 + ln(factor) / ln(original)) with factor = max_position_embeddings / original.
 */
function longropeFromConfig(config: Config, scaling: Config, base: { theta: number; rotaryDim: number }): RotarySpec {
  const original = optionalNumber(scaling, 'original_max_position_embeddings') ?? numberValue(config, 'original_max_position_embeddings');
  const factor = optionalNumber(scaling, 'factor') ?? numberValue(config, 'max_position_embeddings') / original;
  const attentionScaling = optionalNumber(scaling, 'attention_factor') ?? (factor <= 1 ? 1 : Math.sqrt(1 + Math.log(factor) / Math.log(original)));
  return {
    ...base,
    attentionScaling,
    scaling: {
      kind: 'longrope',
      shortFactor: factorList(scaling, 'short_factor', base.rotaryDim / 2),
      longFactor: factorList(scaling, 'long_factor', base.rotaryDim / 2),
      originalMaxPositionEmbeddings: original,
    },
  };
}
