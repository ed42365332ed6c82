// qd8 × qc8w fully connected kernels: int16 rows of (q − zeroPoint) from `quantizeQd8` against
// int8 weights with one float32 scale per output channel, int32 accumulation with
// `i32x4.dot_i16x8_s` (weights widened on load with `v128.load8x8_s`), then
// y = f32(acc) · inputScale · weightScale + bias, XNNPACK's order of float operations.
// Rows of both operands are padded with zeros to a multiple of 32 columns, so loops have no tails.

import { QD8_PARAMS_BYTES } from './quantize-qd8';

/** Sum of the four int32 lanes. */
@inline export function horizontalSumI32(vector: v128): i32 {
  return (i32x4.extract_lane(vector, 0) + i32x4.extract_lane(vector, 1)) + (i32x4.extract_lane(vector, 2) + i32x4.extract_lane(vector, 3));
}

/** Integer dot product of `kPadded` (a multiple of 32) int16 activations at `a` and int8 weights at `w`. */
export function dotQ8(a: usize, w: usize, kPadded: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    let pa = a;
    let pw = w;
    const end = w + <usize>kPadded;
    while (pw < end) {
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load(pa), v128.load8x8_s(pw)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(v128.load(pa, 16), v128.load8x8_s(pw, 8)));
      acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(v128.load(pa, 32), v128.load8x8_s(pw, 16)));
      acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(v128.load(pa, 48), v128.load8x8_s(pw, 24)));
      pa += 64;
      pw += 32;
    }
    return horizontalSumI32(i32x4.add(i32x4.add(acc0, acc1), i32x4.add(acc2, acc3)));
  }
  let sum = 0;
  for (let index = 0; index < kPadded; index++) {
    sum += <i32>load<i16>(a + (<usize>index << 1)) * <i32>load<i8>(w + <usize>index);
  }
  return sum;
}

/** Four activation rows against two weight rows; returns nothing, writes the 4×2 integer sums to `sums` (8 int32). */
function block4x2(a: usize, aStride: usize, w: usize, wStride: usize, kPadded: i32, sums: usize): void {
  let acc00 = i32x4.splat(0);
  let acc01 = i32x4.splat(0);
  let acc10 = i32x4.splat(0);
  let acc11 = i32x4.splat(0);
  let acc20 = i32x4.splat(0);
  let acc21 = i32x4.splat(0);
  let acc30 = i32x4.splat(0);
  let acc31 = i32x4.splat(0);
  const a1 = a + aStride;
  const a2 = a1 + aStride;
  const a3 = a2 + aStride;
  const w1 = w + wStride;
  for (let index = 0; index < kPadded; index += 8) {
    const offset = <usize>index;
    const b0 = v128.load8x8_s(w + offset);
    const b1 = v128.load8x8_s(w1 + offset);
    const x0 = v128.load(a + (offset << 1));
    acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(x0, b0));
    acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(x0, b1));
    const x1 = v128.load(a1 + (offset << 1));
    acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(x1, b0));
    acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(x1, b1));
    const x2 = v128.load(a2 + (offset << 1));
    acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(x2, b0));
    acc21 = i32x4.add(acc21, i32x4.dot_i16x8_s(x2, b1));
    const x3 = v128.load(a3 + (offset << 1));
    acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(x3, b0));
    acc31 = i32x4.add(acc31, i32x4.dot_i16x8_s(x3, b1));
  }
  store<i32>(sums, horizontalSumI32(acc00));
  store<i32>(sums, horizontalSumI32(acc01), 4);
  store<i32>(sums, horizontalSumI32(acc10), 8);
  store<i32>(sums, horizontalSumI32(acc11), 12);
  store<i32>(sums, horizontalSumI32(acc20), 16);
  store<i32>(sums, horizontalSumI32(acc21), 20);
  store<i32>(sums, horizontalSumI32(acc30), 24);
  store<i32>(sums, horizontalSumI32(acc31), 28);
}

/** XNNPACK's dequantization of one integer sum. */
@inline function dequantize(sum: i32, inputScale: f32, weightScale: f32, bias: f32): f32 {
  return <f32>sum * inputScale * weightScale + bias;
}

/**
 * y[m, n] = dequantize(q[m, :] · W[n, :]) for qd8 rows `q` (stride `kPadded` int16, parameters at
 * `params`), int8 weights `w` [n, kPadded], float32 `scales` [n], optional `bias` [n] (0 = none);
 * `y` has a row stride of `yStride` elements. `sums` is 32 bytes of scratch.
 */
export function linearQd8Qc8w(q: usize, params: usize, w: usize, scales: usize, bias: usize, y: usize, yStride: i32, m: i32, kPadded: i32, n: i32, sums: usize): void {
  const aRowBytes = <usize>kPadded << 1;
  const wRowBytes = <usize>kPadded;
  const yRowBytes = <usize>yStride << 2;
  let row = 0;
  if (ASC_FEATURE_SIMD) {
    for (; row + 4 <= m; row += 4) {
      const aRow = q + <usize>row * aRowBytes;
      const yRow = y + <usize>row * yRowBytes;
      const rowParams = params + <usize>row * QD8_PARAMS_BYTES;
      let column = 0;
      for (; column + 2 <= n; column += 2) {
        block4x2(aRow, aRowBytes, w + <usize>column * wRowBytes, wRowBytes, kPadded, sums);
        for (let r = 0; r < 4; r++) {
          const inputScale = load<f32>(rowParams + <usize>r * QD8_PARAMS_BYTES);
          for (let c = 0; c < 2; c++) {
            const channel = <usize>(column + c) << 2;
            const biasValue: f32 = bias ? load<f32>(bias + channel) : 0;
            const sum = load<i32>(sums + (<usize>(r * 2 + c) << 2));
            store<f32>(yRow + <usize>r * yRowBytes + channel, dequantize(sum, inputScale, load<f32>(scales + channel), biasValue));
          }
        }
      }
      for (; column < n; column++) {
        const channel = <usize>column << 2;
        const biasValue: f32 = bias ? load<f32>(bias + channel) : 0;
        for (let r = 0; r < 4; r++) {
          const sum = dotQ8(aRow + <usize>r * aRowBytes, w + <usize>column * wRowBytes, kPadded);
          const inputScale = load<f32>(rowParams + <usize>r * QD8_PARAMS_BYTES);
          store<f32>(yRow + <usize>r * yRowBytes + channel, dequantize(sum, inputScale, load<f32>(scales + channel), biasValue));
        }
      }
    }
  }
  for (; row < m; row++) {
    const aRow = q + <usize>row * aRowBytes;
    const yRow = y + <usize>row * yRowBytes;
    const inputScale = load<f32>(params + <usize>row * QD8_PARAMS_BYTES);
    for (let column = 0; column < n; column++) {
      const channel = <usize>column << 2;
      const biasValue: f32 = bias ? load<f32>(bias + channel) : 0;
      const sum = dotQ8(aRow, w + <usize>column * wRowBytes, kPadded);
      store<f32>(yRow + channel, dequantize(sum, inputScale, load<f32>(scales + channel), biasValue));
    }
  }
}
