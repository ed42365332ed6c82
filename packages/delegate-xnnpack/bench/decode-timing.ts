/**
 * Decode throughput from per-token step times. The machine may be shared, so besides the mean the
 * benchmark reports the fastest window of consecutive tokens — applied the same way to every
 * runtime, it compares them at their undisturbed speed.
 */

/** Tokens per token-step window size used by the benchmark. */
export const DECODE_WINDOW = 8;

/** Mean tokens/s and the tokens/s of the fastest `window` consecutive steps (all steps if fewer). */
export function decodeRates(stepSeconds: readonly number[], window = DECODE_WINDOW): { mean: number; bestWindow: number } {
  if (stepSeconds.length === 0) return { mean: 0, bestWindow: 0 };
  const total = stepSeconds.reduce((sum, seconds) => sum + seconds, 0);
  const size = Math.min(window, stepSeconds.length);
  let current = 0;
  for (let index = 0; index < size; index++) current += stepSeconds[index]!;
  let best = current;
  for (let index = size; index < stepSeconds.length; index++) {
    current += stepSeconds[index]! - stepSeconds[index - size]!;
    best = Math.min(best, current);
  }
  return { mean: stepSeconds.length / total, bestWindow: size / best };
}
