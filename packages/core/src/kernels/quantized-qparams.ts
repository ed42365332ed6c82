/**
 * How ExecuTorch's quantized kernel library chooses quantization parameters at run time
 * (`kernels/quantized/cpu/op_choose_qparams.cpp`, after fbgemm): `calculate_scale_and_zero_point`
 * over the minimum and maximum of the whole tensor (`choose_qparams.Tensor_out`) or of each row of
 * the last dim (`choose_qparams_per_token_asymmetric.out`). It differs from PyTorch's decomposed
 * ops (`./quantize.ts`): the scale stays float64, tiny scales are raised to 6.1e-5, eps is ignored.
 */

import { InvalidArgumentError } from '../errors.js';
import { ScalarType } from '../scalar-type.js';
import { nearbyint } from './quantize.js';
import { Tensor } from './tensor.js';

const fround = Math.fround;
const SMALL_SCALE_THRESHOLD = fround(6.1e-5);

/** ExecuTorch's `calculate_scale_and_zero_point` for float32 `min`/`max`. */
export function calculateScaleAndZeroPoint(min: number, max: number, quantMin: number, quantMax: number): { scale: number; zeroPoint: number } {
  let low = Math.min(fround(min), 0);
  let high = Math.max(fround(max), 0);
  let scale = (high - low) / (quantMax - quantMin);
  if (fround(scale) === 0 || !Number.isFinite(fround(1 / fround(scale)))) scale = 0.1;
  if (!(scale > 0)) throw new InvalidArgumentError('input', `quantization scale must be > 0, got ${scale} (min ${min}, max ${max})`);
  if (scale < SMALL_SCALE_THRESHOLD) {
    const original = fround(scale);
    scale = SMALL_SCALE_THRESHOLD;
    if (low === 0) {
      high = fround(SMALL_SCALE_THRESHOLD * (quantMax - quantMin));
    } else if (high === 0) {
      low = fround(-SMALL_SCALE_THRESHOLD * (quantMax - quantMin));
    } else {
      const amplifier = fround(SMALL_SCALE_THRESHOLD / original);
      low = fround(low * amplifier);
      high = fround(high * amplifier);
    }
  }
  const fromMin = quantMin - low / scale;
  const fromMax = quantMax - high / scale;
  const fromMinError = Math.abs(quantMin) - Math.abs(low / scale);
  const fromMaxError = Math.abs(quantMax) - Math.abs(high / scale);
  const initial = fromMinError < fromMaxError ? fromMin : fromMax;
  const zeroPoint = initial < quantMin ? quantMin : initial > quantMax ? quantMax : nearbyint(fround(initial));
  return { scale, zeroPoint };
}

function minMax(data: Float32Array, start: number, end: number): [number, number] {
  if (end <= start) throw new InvalidArgumentError('input', 'cannot choose quantization parameters for an empty tensor or row');
  let min = data[start]!;
  let max = min;
  for (let i = start + 1; i < end; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Writes ExecuTorch's per-tensor parameters of a float32 `input` into one-element `scale` (float64) and `zeroPoint` (int64). */
export function chooseQParamsRuntime(input: Tensor, quantMin: number, quantMax: number, scale: Tensor, zeroPoint: Tensor): void {
  const [min, max] = minMax(input.data as Float32Array, 0, input.numel);
  const result = calculateScaleAndZeroPoint(min, max, quantMin, quantMax);
  (scale.data as Float64Array)[0] = result.scale;
  (zeroPoint.data as BigInt64Array)[0] = BigInt(result.zeroPoint);
}

/** ExecuTorch's per-token parameters of a float32 `input`, one per row of its last dim, into `scales`/`zeroPoints`. */
export function chooseQParamsPerTokenRuntime(input: Tensor, quantMin: number, quantMax: number, scales: Tensor, zeroPoints: Tensor): void {
  if (input.dtype !== ScalarType.FLOAT) throw new InvalidArgumentError('input', 'must be float32');
  const width = input.shape[input.rank - 1]!;
  const data = input.data as Float32Array;
  const scaleData = scales.data as Float64Array;
  const zeroPointData = zeroPoints.data as BigInt64Array;
  for (let t = 0; t * width < input.numel; t++) {
    const [min, max] = minMax(data, t * width, (t + 1) * width);
    const result = calculateScaleAndZeroPoint(min, max, quantMin, quantMax);
    scaleData[t] = result.scale;
    zeroPointData[t] = BigInt(result.zeroPoint);
  }
}
