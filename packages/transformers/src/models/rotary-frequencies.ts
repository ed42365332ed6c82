/**
 * Inverse frequencies of rotary position embeddings, computed at export time with the float32
 * arithmetic of transformers' `modeling_rope_utils` (each torch float32 operation rounds, so each
 * step here goes through `Math.fround`). The graph turns them into cos/sin of the positions.
 */

import type { RotarySpec } from './decoder-spec.js';

const f = Math.fround;

/** `1 / base^(2i/dim)` for i < dim/2, in float32. */
function baseInverseFrequencies(base: number, dim: number): Float32Array {
  const result = new Float32Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) result[i] = f(1 / f(Math.pow(f(base), f((2 * i) / dim))));
  return result;
}

/** transformers' `_compute_llama3_parameters`: low frequencies divided by `factor`, a smooth ramp between. */
function llama3InverseFrequencies(inverse: Float32Array, scaling: Extract<RotarySpec['scaling'], { kind: 'llama3' }>): Float32Array {
  const { factor, lowFrequencyFactor, highFrequencyFactor, originalMaxPositionEmbeddings } = scaling;
  const lowFrequencyWavelength = f(originalMaxPositionEmbeddings / lowFrequencyFactor);
  const highFrequencyWavelength = f(originalMaxPositionEmbeddings / highFrequencyFactor);
  return inverse.map((frequency) => {
    const wavelength = f(f(2 * Math.PI) / frequency);
    const scaled = wavelength > lowFrequencyWavelength ? f(frequency / f(factor)) : frequency;
    const isMedium = !(wavelength < highFrequencyWavelength) && !(wavelength > lowFrequencyWavelength);
    if (!isMedium) return scaled;
    const smooth = f(f(f(f(originalMaxPositionEmbeddings) / wavelength) - f(lowFrequencyFactor)) / f(highFrequencyFactor - lowFrequencyFactor));
    return f(f(f(f(1 - smooth) * scaled) / f(factor)) + f(smooth * scaled));
  });
}

/** Whether the frequencies depend on the last position of a call (dynamic NTK, LongRoPE). */
export function dependsOnPosition(spec: RotarySpec): boolean {
  return spec.scaling.kind === 'dynamic' || spec.scaling.kind === 'longrope';
}

/** LongRoPE (`_compute_longrope_parameters`): `1 / (ext_i · base^(2i/dim))`, ext = short or long factors. */
function longropeInverseFrequencies(spec: RotarySpec, sequenceLength: number): Float32Array {
  if (spec.scaling.kind !== 'longrope') throw new RangeError('longropeInverseFrequencies needs a longrope rotary spec');
  const factors = sequenceLength > spec.scaling.originalMaxPositionEmbeddings ? spec.scaling.longFactor : spec.scaling.shortFactor;
  const dim = spec.rotaryDim;
  return Float32Array.from({ length: dim / 2 }, (_, i) => f(1 / f(f(factors[i]!) * f(Math.pow(f(spec.theta), f((2 * i) / dim))))));
}

/** The inverse frequencies; for position-dependent scalings, those of a call within the original context. */
export function inverseFrequencies(spec: RotarySpec): Float32Array {
  const inverse = baseInverseFrequencies(spec.theta, spec.rotaryDim);
  switch (spec.scaling.kind) {
    case 'default':
      return inverse;
    case 'linear': {
      const factor = f(spec.scaling.factor);
      return inverse.map((frequency) => f(frequency / factor));
    }
    case 'llama3':
      return llama3InverseFrequencies(inverse, spec.scaling);
    case 'dynamic':
      return dynamicInverseFrequencies(spec, spec.scaling.maxPositionEmbeddings);
    case 'longrope':
      return longropeInverseFrequencies(spec, 1);
  }
}

/**
 * Dynamic NTK scaling (`_compute_dynamic_ntk_parameters`) for a sequence of `sequenceLength`
 * positions: the base grows once the sequence exceeds `max_position_embeddings`.
 */
export function dynamicInverseFrequencies(spec: RotarySpec, sequenceLength: number): Float32Array {
  if (spec.scaling.kind !== 'dynamic') throw new RangeError('dynamicInverseFrequencies needs a dynamic rotary spec');
  const { factor, maxPositionEmbeddings } = spec.scaling;
  const length = Math.max(sequenceLength, maxPositionEmbeddings);
  const dim = spec.rotaryDim;
  const ratio = f(f(f(f(factor) * length) / maxPositionEmbeddings) - f(factor - 1));
  const base = f(f(spec.theta) * f(Math.pow(ratio, f(dim / (dim - 2)))));
  return baseInverseFrequencies(base, dim);
}

/**
 * For position-dependent scalings: row p holds the frequencies used when the last position of a
 * call is p (sequence length p + 1), for every position a cache of `maxCacheLength` can hold.
 * transformers picks LongRoPE's factors by the call's largest position, and grows dynamic NTK
 * frequencies with the longest sequence seen, which when decoding from position 0 upward is also
 * the call's last position.
 */
export function inverseFrequencyTable(spec: RotarySpec, maxCacheLength: number): Float32Array {
  const half = spec.rotaryDim / 2;
  const table = new Float32Array(maxCacheLength * half);
  const rowFor = spec.scaling.kind === 'longrope' ? longropeInverseFrequencies : dynamicInverseFrequencies;
  for (let position = 0; position < maxCacheLength; position++) table.set(rowFor(spec, position + 1), position * half);
  return table;
}
