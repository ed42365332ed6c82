/**
 * Affine quantization as PyTorch, torchao and ExecuTorch compute it, exactly, starting with the
 * rounding they share: `nearbyint` (round half to even; JS `Math.round` rounds half up).
 */

/**
 * Rounds to the nearest integer, ties to even: C's `nearbyint` in the default rounding mode,
 * `torch.round` and Python's `round`. (`Math.round` rounds ties up, which differs at ±0.5, 2.5, …)
 */
export function nearbyint(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
