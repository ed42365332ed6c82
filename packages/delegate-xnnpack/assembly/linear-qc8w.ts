// qd8 × qc8w fully connected kernels: int16 rows of (q − zeroPoint) from `quantizeQd8` against
// int8 weights with one float32 scale per output channel, int32 accumulation with
// `i32x4.dot_i16x8_s` (weights widened on load with `v128.load8x8_s`), then
// y = f32(acc) · inputScale · weightScale + bias, XNNPACK's order of float operations.
//
// Packed layout (built by the host): output channels in blocks of 4 (padded with zero rows),
// inputs padded with zeros to a multiple of 32, and per block and per 8 inputs, 32 bytes: 8 for
// each of the 4 channels. Each activation vector loaded serves four channels, the weights stream
// from one sequential region, and one transpose-add reduces the four channels at the end.
// Scales and bias are padded to whole blocks.

import { QD8_PARAMS_BYTES } from './quantize-qd8';
import { storeLanes, transposeSumI32 } from './reductions';

/** Integer sums of one activation row (kPadded int16 at `a`) against one block of 4 channels at `w`. */
@inline function blockRow(a: usize, w: usize, kPadded: i32): v128 {
  let acc0 = i32x4.splat(0);
  let acc1 = i32x4.splat(0);
  let acc2 = i32x4.splat(0);
  let acc3 = i32x4.splat(0);
  let pa = a;
  let pw = w;
  const end = a + (<usize>kPadded << 1);
  while (pa < end) {
    const x0 = v128.load(pa);
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(x0, v128.load8x8_s(pw)));
    acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(x0, v128.load8x8_s(pw, 8)));
    acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(x0, v128.load8x8_s(pw, 16)));
    acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(x0, v128.load8x8_s(pw, 24)));
    const x1 = v128.load(pa, 16);
    acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(x1, v128.load8x8_s(pw, 32)));
    acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(x1, v128.load8x8_s(pw, 40)));
    acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(x1, v128.load8x8_s(pw, 48)));
    acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(x1, v128.load8x8_s(pw, 56)));
    pa += 32;
    pw += 64;
  }
  return transposeSumI32(acc0, acc1, acc2, acc3);
}

/** Integer sums of two activation rows against one block of 4 channels: returns the first, writes the second to `second`. */
@inline function blockTwoRows(a: usize, aStride: usize, w: usize, kPadded: i32, second: usize): v128 {
  let acc00 = i32x4.splat(0);
  let acc01 = i32x4.splat(0);
  let acc02 = i32x4.splat(0);
  let acc03 = i32x4.splat(0);
  let acc10 = i32x4.splat(0);
  let acc11 = i32x4.splat(0);
  let acc12 = i32x4.splat(0);
  let acc13 = i32x4.splat(0);
  let pa = a;
  let pw = w;
  const end = a + (<usize>kPadded << 1);
  while (pa < end) {
    const x0 = v128.load(pa);
    const x1 = v128.load(pa + aStride);
    const w0 = v128.load8x8_s(pw);
    acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(x0, w0));
    acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(x1, w0));
    const w1 = v128.load8x8_s(pw, 8);
    acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(x0, w1));
    acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(x1, w1));
    const w2 = v128.load8x8_s(pw, 16);
    acc02 = i32x4.add(acc02, i32x4.dot_i16x8_s(x0, w2));
    acc12 = i32x4.add(acc12, i32x4.dot_i16x8_s(x1, w2));
    const w3 = v128.load8x8_s(pw, 24);
    acc03 = i32x4.add(acc03, i32x4.dot_i16x8_s(x0, w3));
    acc13 = i32x4.add(acc13, i32x4.dot_i16x8_s(x1, w3));
    pa += 16;
    pw += 32;
  }
  v128.store(second, transposeSumI32(acc10, acc11, acc12, acc13));
  return transposeSumI32(acc00, acc01, acc02, acc03);
}

/** XNNPACK's dequantization of four integer sums. */
@inline function dequantize(sums: v128, inputScale: f32, scales: v128, bias: v128): v128 {
  return f32x4.add(f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(sums), f32x4.splat(inputScale)), scales), bias);
}

/** The int8 weight of channel `channel` (0..3) at input `index` in a packed block. */
@inline function packedValue(block: usize, channel: i32, index: i32): i32 {
  return <i32>load<i8>(block + (<usize>(index >> 3) << 5) + (<usize>channel << 3) + <usize>(index & 7));
}

/**
 * y[m, n] = dequantize(q[m, :] · W[n, :]) for qd8 rows `q` (stride `kPadded` int16, parameters at
 * `params`), packed int8 weights `w`, packed float32 `scales` and optional packed `bias` (0 = none);
 * `y` has a row stride of `yStride` elements. `sums` is 16 bytes of scratch.
 */
export function linearQd8Qc8w(q: usize, params: usize, w: usize, scales: usize, bias: usize, y: usize, yStride: i32, m: i32, kPadded: i32, n: i32, sums: usize): void {
  const aRowBytes = <usize>kPadded << 1;
  const blockBytes = <usize>kPadded << 2;
  const yRowBytes = <usize>yStride << 2;
  const blocks = (n + 3) >> 2;
  for (let block = 0; block < blocks; block++) {
    const wBlock = w + <usize>block * blockBytes;
    const channels = min(4, n - block * 4);
    const column = <usize>block << 4;
    if (ASC_FEATURE_SIMD) {
      const scaleVector = v128.load(scales + column);
      const biasVector = bias ? v128.load(bias + column) : f32x4.splat(0);
      let row = 0;
      for (; row + 2 <= m; row += 2) {
        const aRow = q + <usize>row * aRowBytes;
        const first = blockTwoRows(aRow, aRowBytes, wBlock, kPadded, sums);
        const target = y + <usize>row * yRowBytes + column;
        storeLanes(target, dequantize(first, load<f32>(params + <usize>row * QD8_PARAMS_BYTES), scaleVector, biasVector), channels);
        storeLanes(target + yRowBytes, dequantize(v128.load(sums), load<f32>(params + <usize>(row + 1) * QD8_PARAMS_BYTES), scaleVector, biasVector), channels);
      }
      if (row < m) {
        const result = blockRow(q + <usize>row * aRowBytes, wBlock, kPadded);
        storeLanes(y + <usize>row * yRowBytes + column, dequantize(result, load<f32>(params + <usize>row * QD8_PARAMS_BYTES), scaleVector, biasVector), channels);
      }
    } else {
      for (let row = 0; row < m; row++) {
        const aRow = q + <usize>row * aRowBytes;
        const inputScale = load<f32>(params + <usize>row * QD8_PARAMS_BYTES);
        for (let channel = 0; channel < channels; channel++) {
          let sum = 0;
          for (let index = 0; index < kPadded; index++) sum += <i32>load<i16>(aRow + (<usize>index << 1)) * packedValue(wBlock, channel, index);
          const offset = column + (<usize>channel << 2);
          const biasValue: f32 = bias ? load<f32>(bias + offset) : 0;
          store<f32>(y + <usize>row * yRowBytes + offset, <f32>sum * inputScale * load<f32>(scales + offset) + biasValue);
        }
      }
    }
  }
}
