/**
 * Affine quantization as PyTorch, torchao and ExecuTorch compute it, exactly:
 * - `nearbyint`, the rounding they share (ties to even; JS `Math.round` rounds ties up);
 * - `quantizeAffine`/`dequantizeAffine` over any parameter layout (per tensor, channel, token or
 *   group), parameterised by each reference's order of float32/float64 operations, because the
 *   references differ in the last bit (torch computes `x * (1/scale)` in the promoted dtype,
 *   ExecuTorch `x * (1.0f / (float)scale)` in float32) and a last-bit difference moves a value
 *   across a rounding tie;
 * - the plain functions etch's quantization builds on: symmetric per-channel and groupwise weight
 *   quantization (torchao `choose_qparams_affine` + `quantize_affine`, MappingType.SYMMETRIC) and
 *   per-token asymmetric activation parameters (torch.ao `_choose_qparams_per_token_asymmetric_impl`).
 */

import { InvalidArgumentError } from '../errors.js';
import { ScalarType, scalarTypeName } from '../scalar-type.js';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat, readNumbers, writeNumbers } from './access.js';
import { Tensor } from './tensor.js';

/**
 * Rounds to the nearest integer, ties to even: C's `nearbyint` in the default rounding mode,
 * `torch.round` and Python's `round`. (`Math.round` rounds ties up, which differs at ±0.5, 2.5, …)
 */
export function nearbyint(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  const rounded = fraction < 0.5 ? floor : fraction > 0.5 || floor % 2 !== 0 ? floor + 1 : floor;
  // Keep the sign of a negative value rounded to zero (nearbyint(-0.5) is -0.0).
  return rounded === 0 && value < 0 ? -0 : rounded;
}

const identity = (value: number): number => value;
const toHalf = (value: number): number => halfToFloat(floatToHalf(value));
const toBfloat16 = (value: number): number => bfloat16ToFloat(floatToBfloat16(value));

/** Rounds a number to the nearest value of a floating dtype (float64: unchanged). */
export function roundingFor(dtype: ScalarType): (value: number) => number {
  switch (dtype) {
    case ScalarType.FLOAT:
      return Math.fround;
    case ScalarType.HALF:
      return toHalf;
    case ScalarType.BFLOAT16:
      return toBfloat16;
    default:
      return identity;
  }
}

/** Machine epsilon of a floating dtype (`torch.finfo(dtype).eps`). */
export function epsilonOf(dtype: ScalarType): number {
  switch (dtype) {
    case ScalarType.HALF:
      return 2 ** -10;
    case ScalarType.BFLOAT16:
      return 2 ** -7;
    case ScalarType.DOUBLE:
      return 2 ** -52;
    default:
      return 2 ** -23;
  }
}

/** Which parameter an element uses: element i uses parameter `floor(i / blockSize) % count`. */
export interface ParameterLayout {
  /** Consecutive elements sharing a parameter (the trailing size after the axis, the group size, …). */
  readonly blockSize: number;
  /** Number of parameters (1 per tensor, the axis size, the number of tokens or groups). */
  readonly count: number;
}

/** Layout of per-channel parameters along `axis` of a contiguous tensor of `shape`. */
export function channelLayout(shape: readonly number[], axis: number): ParameterLayout {
  let blockSize = 1;
  for (let d = axis + 1; d < shape.length; d++) blockSize *= shape[d]!;
  return { blockSize, count: shape[axis] ?? 1 };
}

/** One reference's order of operations for `q = clamp(round(x · (1/scale)) + zero_point)`. */
export interface QuantizeArithmetic {
  /** `1/scale` as the reference computes it. */
  inverse(scale: number): number;
  /** Rounds `x · inverse` (and the zero-point sum) to the dtype the reference computes in. */
  round(value: number): number;
  /** torch's per-token and per-group ops round `x · inverse + zero_point`; the others add it after rounding. */
  readonly zeroPointBeforeRounding: boolean;
}

/** ExecuTorch's `quantize_val`: `nearbyint((float)(1.0f / (float)scale * x)) + zero_point`. */
export const EXECUTORCH_QUANTIZE: QuantizeArithmetic = {
  inverse: (scale) => Math.fround(1 / Math.fround(scale)),
  round: Math.fround,
  zeroPointBeforeRounding: false,
};

/**
 * PyTorch's decomposed quantize ops: `1.0 / scales` in the scales' dtype (a Python float scale is
 * a float64 turned into the compute dtype), the product in the promoted compute dtype.
 */
export function torchQuantizeArithmetic(computeDtype: ScalarType, scaleDtype: ScalarType, zeroPointBeforeRounding: boolean): QuantizeArithmetic {
  const roundScale = roundingFor(scaleDtype);
  return { inverse: (scale) => roundScale(1 / scale), round: roundingFor(computeDtype), zeroPointBeforeRounding };
}

/**
 * Quantizes `input` into `out` (an integer tensor of the same element count):
 * `clamp(nearbyint(x · 1/scale) + zero_point, quantMin, quantMax)` with the given arithmetic.
 * `zeroPoints` null means zero.
 */
export function quantizeAffine(
  input: ArrayLike<number>,
  scales: ArrayLike<number>,
  zeroPoints: ArrayLike<number> | null,
  layout: ParameterLayout,
  quantMin: number,
  quantMax: number,
  arithmetic: QuantizeArithmetic,
  out: Tensor,
): void {
  const n = input.length;
  const result = new Float64Array(n);
  const { round, zeroPointBeforeRounding } = arithmetic;
  for (let start = 0, block = 0; start < n; start += layout.blockSize, block++) {
    const parameter = block % layout.count;
    const inverse = arithmetic.inverse(scales[parameter]!);
    const zeroPoint = zeroPoints ? zeroPoints[parameter]! : 0;
    const end = Math.min(n, start + layout.blockSize);
    for (let i = start; i < end; i++) {
      const scaled = round(input[i]! * inverse);
      const q = zeroPointBeforeRounding ? nearbyint(round(scaled + zeroPoint)) : nearbyint(scaled) + zeroPoint;
      result[i] = q < quantMin ? quantMin : q > quantMax ? quantMax : q;
    }
  }
  writeNumbers(out, result);
}

/** One reference's order of operations for `(q - zero_point) · scale`. */
export interface DequantizeArithmetic {
  /** Rounds `q - zero_point` to the dtype the reference subtracts in. */
  difference(value: number): number;
  /** The scale as it enters the product. */
  scale(value: number): number;
  /** Rounds the product to the dtype the reference multiplies in (the out dtype rounds again on store). */
  product(value: number): number;
}

/** ExecuTorch's dequantize kernels: `(q - zero_point) * (float)scale` in float32. */
export const EXECUTORCH_DEQUANTIZE: DequantizeArithmetic = { difference: Math.fround, scale: Math.fround, product: Math.fround };

/** PyTorch: the difference and the product in the dtypes type promotion gives them. */
export function torchDequantizeArithmetic(differenceDtype: ScalarType, scaleDtype: ScalarType, productDtype: ScalarType): DequantizeArithmetic {
  return { difference: roundingFor(differenceDtype), scale: roundingFor(scaleDtype), product: roundingFor(productDtype) };
}

/** Dequantizes `input` into `out` (a float tensor of the same element count). */
export function dequantizeAffine(
  input: ArrayLike<number>,
  scales: ArrayLike<number>,
  zeroPoints: ArrayLike<number> | null,
  layout: ParameterLayout,
  arithmetic: DequantizeArithmetic,
  out: Tensor,
): void {
  const n = input.length;
  const result = out.dtype === ScalarType.FLOAT ? (out.data as Float32Array) : new Float64Array(n);
  const { difference, product } = arithmetic;
  for (let start = 0, block = 0; start < n; start += layout.blockSize, block++) {
    const parameter = block % layout.count;
    const scale = arithmetic.scale(scales[parameter]!);
    const zeroPoint = zeroPoints ? zeroPoints[parameter]! : 0;
    const end = Math.min(n, start + layout.blockSize);
    for (let i = start; i < end; i++) result[i] = product(difference(input[i]! - zeroPoint) * scale);
  }
  if (result !== out.data) writeNumbers(out, result);
}

/** Integer range of a signed `bits`-bit quantized value. */
export function signedRange(bits: number): { quantMin: number; quantMax: number } {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new InvalidArgumentError('bits', `must be an integer in [1, 8], got ${bits}`);
  return { quantMin: -(2 ** (bits - 1)), quantMax: 2 ** (bits - 1) - 1 };
}

/** Quantized weights: int8 values in the signed `bits`-bit range, and their scales (zero points are 0). */
export interface SymmetricQuantization {
  /** int8, the shape of the weights. */
  readonly values: Tensor;
  /** The weights' dtype; [rows] per channel, [rows, columns / groupSize] per group. */
  readonly scales: Tensor;
}

function checkWeights(weights: Tensor): void {
  if (weights.rank !== 2) throw new InvalidArgumentError('weights', `must be 2-D [out_features, in_features], got [${weights.shape.join(', ')}]`);
  if (weights.dtype !== ScalarType.FLOAT && weights.dtype !== ScalarType.HALF && weights.dtype !== ScalarType.BFLOAT16) {
    throw new InvalidArgumentError('weights', `must be float32, float16 or bfloat16, got ${scalarTypeName(weights.dtype)}`);
  }
}

export interface SymmetricQuantizationOptions {
  /**
   * Per group, pick among the scales `absmax / d` (d from `quantMax` to `quantMax + 3`: the
   * smaller use the full negative range, the larger clip the largest weights a little) the one
   * with the smallest squared error — the search llama.cpp's k-quants do. The format is unchanged: any kernel that runs
   * symmetric groupwise weights runs these. Worth it at 4 bits, where the max-based scale wastes
   * most of the 16 levels on one outlier.
   */
  readonly searchScale?: boolean;
}

/** Candidate divisors tried by the scale search, evenly spaced over [quantMax, quantMax + 3]. */
const SCALE_SEARCH_STEPS = 24;

/** Squared error of a group quantized with `scale`, rounding as quantize_affine does. */
function squaredError(data: ArrayLike<number>, start: number, length: number, scale: number, quantMin: number, quantMax: number, round: (value: number) => number): number {
  const inverse = round(1 / scale);
  let error = 0;
  for (let i = start; i < start + length; i++) {
    const w = data[i]!;
    const difference = w - Math.min(Math.max(nearbyint(round(w * inverse)), quantMin), quantMax) * scale;
    error += difference * difference;
  }
  return error;
}

function searchScale(
  data: ArrayLike<number>,
  start: number,
  length: number,
  maxBased: number,
  quantMin: number,
  quantMax: number,
  round: (value: number) => number,
  eps: number,
): number {
  const absMax = maxBased * ((quantMax - quantMin) / 2);
  let best = maxBased;
  let bestError = squaredError(data, start, length, maxBased, quantMin, quantMax, round);
  for (let step = 0; step <= SCALE_SEARCH_STEPS; step++) {
    const candidate = Math.max(round(absMax / (quantMax + (3 * step) / SCALE_SEARCH_STEPS)), eps);
    const error = squaredError(data, start, length, candidate, quantMin, quantMax, round);
    if (error < bestError) {
      bestError = error;
      best = candidate;
    }
  }
  // For the integers the best scale gives, the least-squares scale is Σw·q / Σq²; take it when
  // it lowers the error once the weights are rounded again with it.
  const inverse = round(1 / best);
  let dot = 0;
  let norm = 0;
  for (let i = start; i < start + length; i++) {
    const q = Math.min(Math.max(nearbyint(round(data[i]! * inverse)), quantMin), quantMax);
    dot += data[i]! * q;
    norm += q * q;
  }
  if (norm > 0) {
    const refined = Math.max(round(dot / norm), eps);
    if (squaredError(data, start, length, refined, quantMin, quantMax, round) < bestError) return refined;
  }
  return best;
}

/**
 * Symmetric quantization of a 2-D weight, one scale per `groupSize` consecutive elements of a
 * row (in the signed `bits`-bit range unless `range` narrows it, e.g. [-127, 127] for XNNPACK's
 * 8-bit weights), exactly as torchao's `choose_qparams_affine` (MappingType.SYMMETRIC, eps =
 * finfo(dtype).eps) followed by `quantize_affine`, computed in the weight's dtype:
 * `scale = max(|min(w, 0)|, max(w, 0)) / ((quantMax - quantMin) / 2)`, clamped to eps, and
 * `q = clamp(round(w · (1 / scale)), quantMin, quantMax)`.
 */
export function quantizeSymmetric(
  weights: Tensor,
  bits: number,
  groupSize = weights.shape[1]!,
  range: { quantMin: number; quantMax: number } = signedRange(bits),
  options: SymmetricQuantizationOptions = {},
): SymmetricQuantization {
  checkWeights(weights);
  const [rows, columns] = weights.shape as [number, number];
  if (!Number.isInteger(groupSize) || groupSize < 1 || columns % groupSize !== 0) {
    throw new InvalidArgumentError('groupSize', `must divide the row length ${columns}, got ${groupSize}`);
  }
  const { quantMin, quantMax } = range;
  const round = roundingFor(weights.dtype);
  const eps = epsilonOf(weights.dtype);
  const divisor = (quantMax - quantMin) / 2;
  const data = readNumbers(weights);
  const groups = columns / groupSize;
  const scales = new Float64Array(rows * groups);
  for (let g = 0; g < rows * groups; g++) {
    let min = 0;
    let max = 0;
    for (let i = g * groupSize; i < (g + 1) * groupSize; i++) {
      const w = data[i]!;
      if (Number.isNaN(w)) throw new InvalidArgumentError('weights', `element ${i} is NaN`);
      if (w < min) min = w;
      if (w > max) max = w;
    }
    const scale = round(Math.max(-min, max) / divisor);
    const floor = scale < eps ? eps : scale;
    scales[g] = options.searchScale ? searchScale(data, g * groupSize, groupSize, floor, quantMin, quantMax, round, eps) : floor;
  }
  const values = Tensor.zeros(ScalarType.CHAR, [rows, columns]);
  // quantize_affine: round(w * (1.0 / scale)) in the weight's dtype, zero point 0.
  const arithmetic = torchQuantizeArithmetic(weights.dtype, weights.dtype, false);
  quantizeAffine(data, scales, null, { blockSize: groupSize, count: rows * groups }, quantMin, quantMax, arithmetic, values);
  const scaleTensor = Tensor.zeros(weights.dtype, groups === 1 ? [rows] : [rows, groups]);
  writeNumbers(scaleTensor, scales);
  return { values, scales: scaleTensor };
}

/** Symmetric per-output-channel quantization (one scale per row), e.g. 8-bit linear weights. */
export function quantizePerChannelSymmetric(weights: Tensor, bits: number): SymmetricQuantization {
  return quantizeSymmetric(weights, bits);
}

/** Symmetric groupwise quantization (one scale per `groupSize` elements of a row), e.g. 4-bit weights. */
export function quantizeGroupwise(weights: Tensor, bits: number, groupSize: number): SymmetricQuantization {
  return quantizeSymmetric(weights, bits, groupSize);
}

/** Per-token quantization parameters: float64 scales and int64 zero points of shape [..., 1]. */
export interface TokenQuantizationParameters {
  readonly scales: Tensor;
  readonly zeroPoints: Tensor;
}

/**
 * torch.ao's `_choose_qparams_per_token_asymmetric_impl` (int8, [-128, 127]) for every row of the
 * last dim, computed in the input's dtype: `scale = max((max⁺ − min⁻) / 255, eps_float32)`, and
 * the zero point from whichever end has the smaller error, clamped, then rounded half to even.
 */
export function chooseQParamsPerTokenAsymmetric(input: Tensor): TokenQuantizationParameters {
  if (input.rank < 1) throw new InvalidArgumentError('input', 'must have at least one dimension');
  const round = roundingFor(input.dtype);
  const eps = epsilonOf(ScalarType.FLOAT);
  const quantMin = -128;
  const quantMax = 127;
  const width = input.shape[input.rank - 1]!;
  const tokens = width === 0 ? 0 : input.numel / width;
  const data = readNumbers(input);
  const shape = [...input.shape.slice(0, -1), 1];
  const scales = Tensor.zeros(ScalarType.DOUBLE, shape);
  const zeroPoints = Tensor.zeros(ScalarType.LONG, shape);
  const scaleData = scales.data as Float64Array;
  const zeroPointData = zeroPoints.data as BigInt64Array;
  for (let t = 0; t < tokens; t++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = t * width; i < (t + 1) * width; i++) {
      const v = data[i]!;
      if (v < min || Number.isNaN(v)) min = v;
      if (v > max || Number.isNaN(v)) max = v;
    }
    const minNegative = Math.min(min, 0);
    const maxPositive = Math.max(max, 0);
    let scale = round(round(maxPositive - minNegative) / (quantMax - quantMin));
    if (scale < eps) scale = round(eps);
    const descaledMin = round(minNegative / scale);
    const descaledMax = round(maxPositive / scale);
    const fromMinError = round(quantMin + descaledMin);
    const fromMaxError = round(quantMax + descaledMax);
    let zeroPoint = round(fromMinError + fromMaxError) > 0 ? round(quantMin - descaledMin) : round(quantMax - descaledMax);
    zeroPoint = Math.min(Math.max(zeroPoint, quantMin), quantMax);
    scaleData[t] = scale;
    zeroPointData[t] = BigInt(nearbyint(zeroPoint));
  }
  return { scales, zeroPoints };
}

/**
 * torch.ao `determine_qparams` for per-tensor affine quantization (what
 * `quantized_decomposed::choose_qparams.tensor` returns): `scale = max((max⁺ − min⁻) /
 * (quantMax − quantMin), eps)`, `zero_point = clamp(quantMin − round(min⁻ / scale))`.
 */
export function chooseQParamsPerTensor(input: Tensor, quantMin: number, quantMax: number, eps: number): { scale: number; zeroPoint: number } {
  const data = readNumbers(input);
  if (data.length === 0) return { scale: 1, zeroPoint: 0 };
  const round = roundingFor(input.dtype);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min || Number.isNaN(v)) min = v;
    if (v > max || Number.isNaN(v)) max = v;
  }
  const minNegative = Math.min(min, 0);
  const maxPositive = Math.max(max, 0);
  const scale = Math.max(round(round(maxPositive - minNegative) / (quantMax - quantMin)), Math.fround(eps));
  // `scale` is float32 from here on (torch.max with the float32 eps tensor promotes it).
  const zeroPoint = quantMin - nearbyint(Math.fround(minNegative / scale));
  return { scale, zeroPoint: Math.min(Math.max(zeroPoint, quantMin), quantMax) };
}
