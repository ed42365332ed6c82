// qd8 × qb4w fully connected kernels: 4-bit weights in blocks (groups) along the input dimension,
// one float32 scale per (output channel, group). Each group's integer sum is exact (int32), is
// converted to float, multiplied by the group's scale and accumulated in float in group order;
// y = sum · inputScale + bias.
// Packed layout, per output row and per 32 consecutive inputs: 16 bytes, byte j holding input j in
// its low nibble and input j + 16 in its high nibble, each stored as value + 8 (0..15).

import { QD8_PARAMS_BYTES } from './quantize-qd8';
import { horizontalSumI32 } from './linear-qc8w';

/** Integer sum over one group of `groupSize` (a multiple of 32) inputs: activations at `a`, packed weights at `w`. */
@inline function groupDot(a: usize, w: usize, groupSize: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    const mask = i8x16.splat(0x0f);
    const offset = i8x16.splat(8);
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let pa = a;
    let pw = w;
    const end = w + (<usize>groupSize >> 1);
    while (pw < end) {
      const bytes = v128.load(pw);
      const low = i8x16.sub(v128.and(bytes, mask), offset);
      const high = i8x16.sub(i8x16.shr_u(bytes, 4), offset);
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load(pa), i16x8.extend_low_i8x16_s(low)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(v128.load(pa, 16), i16x8.extend_high_i8x16_s(low)));
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(v128.load(pa, 32), i16x8.extend_low_i8x16_s(high)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(v128.load(pa, 48), i16x8.extend_high_i8x16_s(high)));
      pa += 64;
      pw += 16;
    }
    return horizontalSumI32(i32x4.add(acc0, acc1));
  }
  let sum = 0;
  for (let chunk = 0; chunk < groupSize; chunk += 32) {
    for (let j = 0; j < 16; j++) {
      const byte = <i32>load<u8>(w + (<usize>chunk >> 1) + <usize>j);
      sum += <i32>load<i16>(a + (<usize>(chunk + j) << 1)) * ((byte & 15) - 8);
      sum += <i32>load<i16>(a + (<usize>(chunk + j + 16) << 1)) * ((byte >> 4) - 8);
    }
  }
  return sum;
}

/**
 * y[m, n] for qd8 rows `q` (stride `k` int16, parameters at `params`) and packed 4-bit weights
 * `w` (k / 2 bytes per output row) with float32 `scales` [n, k / groupSize] and optional `bias`
 * (0 = none). `k` is a multiple of `groupSize`, itself a multiple of 32.
 */
export function linearQd8Qb4w(q: usize, params: usize, w: usize, scales: usize, bias: usize, y: usize, yStride: i32, m: i32, k: i32, n: i32, groupSize: i32): void {
  const groups = k / groupSize;
  const aRowBytes = <usize>k << 1;
  const wRowBytes = <usize>k >> 1;
  const groupActivationBytes = <usize>groupSize << 1;
  const groupWeightBytes = <usize>groupSize >> 1;
  for (let row = 0; row < m; row++) {
    const aRow = q + <usize>row * aRowBytes;
    const yRow = y + (<usize>row * <usize>yStride << 2);
    const inputScale = load<f32>(params + <usize>row * QD8_PARAMS_BYTES);
    for (let column = 0; column < n; column++) {
      const wRow = w + <usize>column * wRowBytes;
      const scaleRow = scales + (<usize>column * <usize>groups << 2);
      let sum: f32 = 0;
      for (let group = 0; group < groups; group++) {
        const groupSum = groupDot(aRow + <usize>group * groupActivationBytes, wRow + <usize>group * groupWeightBytes, groupSize);
        sum += <f32>groupSum * load<f32>(scaleRow + (<usize>group << 2));
      }
      const biasValue: f32 = bias ? load<f32>(bias + (<usize>column << 2)) : 0;
      store<f32>(yRow + (<usize>column << 2), sum * inputScale + biasValue);
    }
  }
}
