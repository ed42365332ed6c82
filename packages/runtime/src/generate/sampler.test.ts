import { describe, expect, it } from 'vitest';
import { Sampler, argmax } from './sampler.js';

describe('Sampler', () => {
  const logits = Float32Array.from([0.5, 3, 2.9, -1, 3]);

  it('is greedy at temperature 0, the first maximum winning', () => {
    expect(argmax(logits)).toBe(1);
    expect(new Sampler(logits.length).sample(logits)).toBe(1);
  });

  it('draws from the softmax: frequencies follow the probabilities', () => {
    const sampler = new Sampler(3, { temperature: 1, seed: 7 });
    const row = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[sampler.sample(row)]!++;
    expect(counts[0]! / 20_000).toBeCloseTo(0.5, 1);
    expect(counts[1]! / 20_000).toBeCloseTo(0.3, 1);
    expect(counts[2]! / 20_000).toBeCloseTo(0.2, 1);
  });

  it('top-p keeps the smallest set reaching p, top-k the k best', () => {
    const row = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const nucleus = new Sampler(4, { temperature: 1, topP: 0.75, seed: 3 });
    const topTwo = new Sampler(4, { temperature: 1, topK: 2, seed: 3 });
    const seenNucleus = new Set<number>();
    const seenTopTwo = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      seenNucleus.add(nucleus.sample(row));
      seenTopTwo.add(topTwo.sample(row));
    }
    expect([...seenNucleus].sort()).toEqual([0, 1]);
    expect([...seenTopTwo].sort()).toEqual([0, 1]);
  });

  it('rejects invalid settings', () => {
    expect(() => new Sampler(4, { temperature: -1 })).toThrow(/temperature/);
    expect(() => new Sampler(4, { topP: 0 })).toThrow(/topP/);
    expect(() => new Sampler(4, { topK: 1.5 })).toThrow(/topK/);
  });
});
