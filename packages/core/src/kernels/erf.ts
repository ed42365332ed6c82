/**
 * The error function, which JavaScript's Math lacks and exact GELU needs. A Taylor series serves
 * |x| < 3 (float64 keeps ~12 significant digits there despite the alternating terms) and a
 * continued fraction for erfc serves the tails, so results are accurate far beyond float32.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erfc(x) for x >= 3 by the continued fraction exp(-x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))). */
function erfcTail(x: number): number {
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / 2 / fraction;
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / fraction;
}

/** erf(x) to well within float32 precision for every finite x; erf(±∞) = ±1, erf(NaN) = NaN. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const magnitude = Math.abs(x);
  if (magnitude >= 3) return Math.sign(x) * (1 - erfcTail(magnitude));
  const square = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= -square / n;
    const contribution = term / (2 * n + 1);
    sum += contribution;
    if (Math.abs(contribution) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}
