/**
 * XNNPACK's choice of dynamic int8 quantization parameters for one row
 * (`xnn_f32_qd8_asymmetric_quantization_params`), in float32 arithmetic, for the TypeScript kernels.
 * The WebAssembly kernels compute the same thing in `assembly/quantize-qd8.ts`.
 */

const fround = Math.fround;
const QUANT_MIN = -128;
const QUANT_MAX = 127;

/** Parameters of one quantized row. */
export interface Qd8Parameters {
  /** Multiplier applied before rounding (`1 / inverseScale`, as XNNPACK's converter receives it). */
  readonly multiplier: number;
  /** Dequantization scale (XNNPACK's `inv_scale`). */
  readonly inverseScale: number;
  /** Zero point in [-128, 127]. */
  readonly zeroPoint: number;
}

/** Rounds to the nearest integer, ties to even (`rintf` in the default rounding mode). */
export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** Quantization parameters for a row whose smallest and largest values are `min` and `max`. */
export function qd8Parameters(min: number, max: number): Qd8Parameters {
  const rmin = Math.min(0, fround(min));
  const rmax = Math.max(0, fround(max));
  const scale = rmin === rmax ? 1 : fround((QUANT_MAX - QUANT_MIN) / fround(rmax - rmin));
  const descaledMin = fround(rmin * scale);
  const descaledMax = fround(rmax * scale);
  const fromMinError = fround(QUANT_MIN + descaledMin);
  const fromMaxError = fround(QUANT_MAX + descaledMax);
  let zeroPoint = fround(fromMinError + fromMaxError) > 0 ? fround(QUANT_MIN - descaledMin) : fround(QUANT_MAX - descaledMax);
  zeroPoint = roundHalfEven(Math.min(Math.max(zeroPoint, QUANT_MIN), QUANT_MAX));
  const inverseScale = fround(1 / scale);
  return { multiplier: fround(1 / inverseScale), inverseScale, zeroPoint };
}

/** Quantizes one value with a row's parameters: clamp(round(value · multiplier)) + zeroPoint. */
export function quantizeQd8Value(value: number, parameters: Qd8Parameters): number {
  const scaled = fround(value * parameters.multiplier);
  const clamped = Math.min(Math.max(scaled, QUANT_MIN - parameters.zeroPoint), QUANT_MAX - parameters.zeroPoint);
  return roundHalfEven(clamped) + parameters.zeroPoint;
}
