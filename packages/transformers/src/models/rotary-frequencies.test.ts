import { describe, expect, it } from 'vitest';
import type { RotarySpec } from './decoder-spec.js';
import { dynamicInverseFrequencies, inverseFrequencies, inverseFrequencyTable } from './rotary-frequencies.js';

const plain: RotarySpec = { theta: 10000, rotaryDim: 16, attentionScaling: 1, scaling: { kind: 'default' } };

describe('rotary inverse frequencies', () => {
  it('default: 1 / theta^(2i/dim) in float32', () => {
    const frequencies = inverseFrequencies(plain);
    expect(frequencies.length).toBe(8);
    frequencies.forEach((f, i) => expect(f).toBeCloseTo(1 / 10000 ** ((2 * i) / 16), 7));
    expect(frequencies[0]).toBe(1);
  });

  it('linear: the default ones divided by the factor', () => {
    const scaled = inverseFrequencies({ ...plain, scaling: { kind: 'linear', factor: 4 } });
    expect(Array.from(scaled)).toEqual(Array.from(inverseFrequencies(plain), (f) => Math.fround(f / 4)));
  });

  it('llama3: high frequencies kept, low ones divided by the factor, a smoothed band between', () => {
    // golden/llama3_rope: theta 5e5, head_dim 16, factor 8, low 1, high 4, original 64 positions.
    const base = { ...plain, theta: 500000 };
    const scaled = inverseFrequencies({
      ...base,
      scaling: { kind: 'llama3', factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalMaxPositionEmbeddings: 64 },
    });
    const unscaled = inverseFrequencies(base);
    expect(scaled[0]).toBe(unscaled[0]);
    expect(scaled[1]).toBeLessThan(unscaled[1]!);
    expect(scaled[1]).toBeGreaterThan(unscaled[1]! / 8);
    for (let i = 2; i < 8; i++) expect(scaled[i]).toBe(Math.fround(unscaled[i]! / 8));
  });

  it('dynamic: unchanged up to max_position_embeddings, then a larger base', () => {
    const spec: RotarySpec = { ...plain, scaling: { kind: 'dynamic', factor: 2, maxPositionEmbeddings: 16 } };
    expect(Array.from(dynamicInverseFrequencies(spec, 16))).toEqual(Array.from(inverseFrequencies(plain)));
    const grown = dynamicInverseFrequencies(spec, 24);
    const base = 10000 * (2 * 24 / 16 - 1) ** (16 / 14);
    grown.forEach((f, i) => expect(f).toBeCloseTo(1 / base ** ((2 * i) / 16), 6));
    const table = inverseFrequencyTable(spec, 24);
    expect(Array.from(table.subarray(23 * 8))).toEqual(Array.from(grown));
    expect(Array.from(table.subarray(0, 8))).toEqual(Array.from(inverseFrequencies(plain)));
  });

  it('longrope: short factors within the original context, long factors beyond', () => {
    const short = [1, 1, 1, 1, 2, 2, 2, 2];
    const long = [1, 2, 4, 8, 16, 32, 64, 128];
    const spec: RotarySpec = { ...plain, scaling: { kind: 'longrope', shortFactor: short, longFactor: long, originalMaxPositionEmbeddings: 16 } };
    const table = inverseFrequencyTable(spec, 24);
    const unscaled = inverseFrequencies(plain);
    expect(Array.from(table.subarray(15 * 8, 16 * 8))).toEqual(Array.from(unscaled, (f, i) => Math.fround(f / short[i]!)));
    Array.from(table.subarray(16 * 8, 17 * 8)).forEach((f, i) => expect(f).toBeCloseTo(unscaled[i]! / long[i]!, 9));
  });
});
