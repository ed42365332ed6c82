import { describe, expect, it } from 'vitest';
import { decodeRates } from './decode-timing.js';

describe('decodeRates', () => {
  it('finds the fastest window and the mean', () => {
    const steps = [0.5, 0.1, 0.1, 0.2, 0.5];
    const rates = decodeRates(steps, 2);
    expect(rates.mean).toBeCloseTo(5 / 1.4, 12);
    expect(rates.bestWindow).toBeCloseTo(2 / 0.2, 9);
    expect(decodeRates(steps, 10).bestWindow).toBeCloseTo(5 / 1.4);
    expect(decodeRates([])).toEqual({ mean: 0, bestWindow: 0 });
  });
});
