// qd8 × qb4w fully connected kernels: 4-bit weights in blocks (groups) along the input dimension,
// one float32 scale per (output channel, group). Each group's integer sum is exact (int32), is
// converted to float, multiplied by the group's scale and accumulated in float in group order;
// y = sum · inputScale + bias.
//
// Packed layout (built by the host): output channels in blocks of 4 (padded with zero rows), and
// per block and per 32 inputs, 64 bytes: 16 bytes for each of the 4 channels, read as eight
// 16-bit lanes; lane l holds inputs l, 8 + l, 16 + l and 24 + l in its bits 0–3, 4–7, 8–11 and
// 12–15, as 4-bit two's complement. Shifting each nibble to the top of its lane and back
// (arithmetic) sign-extends it: four vectors of int16 weights for inputs 0–7, 8–15, 16–23, 24–31,
// with 16-bit shifts only (native on every target; 8-bit shifts are not).
// Scales are packed per block as [groups][4] and the bias as [4] per block.
// The four channels of a block are reduced together: one transpose-add turns their four int32
// vectors into one vector of four sums, so per-group reductions cost little.

import { QD8_PARAMS_BYTES } from './quantize-qd8';
import { storeLanes, transposeSumI32 } from './reductions';

/** Bytes of packed weights per block of 4 channels and 32 inputs. */
const CHUNK_BYTES: usize = 64;

/** One channel's dot products of one 32-input chunk: 16 packed bytes at `w` against activations a0..a3. */
@inline function chunkDot(acc: v128, w: usize, a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const packed = v128.load(w);
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a0, i16x8.shr_s(i16x8.shl(packed, 12), 12)));
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a1, i16x8.shr_s(i16x8.shl(packed, 8), 12)));
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a2, i16x8.shr_s(i16x8.shl(packed, 4), 12)));
  return i32x4.add(acc, i32x4.dot_i16x8_s(a3, i16x8.shr_s(packed, 12)));
}

/** Four channels of one activation row, reading the packed weights directly. Returns the four float sums before input scaling. */
@inline function blockRowPacked(a: usize, w: usize, scales: usize, groups: i32, chunksPerGroup: i32): v128 {
  let sum = f32x4.splat(0);
  let pw = w;
  let pa = a;
  for (let group = 0; group < groups; group++) {
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    for (let chunk = 0; chunk < chunksPerGroup; chunk++) {
      const a0 = v128.load(pa);
      const a1 = v128.load(pa, 16);
      const a2 = v128.load(pa, 32);
      const a3 = v128.load(pa, 48);
      acc0 = chunkDot(acc0, pw, a0, a1, a2, a3);
      acc1 = chunkDot(acc1, pw + 16, a0, a1, a2, a3);
      acc2 = chunkDot(acc2, pw + 32, a0, a1, a2, a3);
      acc3 = chunkDot(acc3, pw + 48, a0, a1, a2, a3);
      pa += 64;
      pw += CHUNK_BYTES;
    }
    const sums = transposeSumI32(acc0, acc1, acc2, acc3);
    sum = f32x4.add(sum, f32x4.mul(f32x4.convert_i32x4_s(sums), v128.load(scales + (<usize>group << 4))));
  }
  return sum;
}

/** Unpacks one block of 4 channels (k inputs) to int16 weights, laid out [4][k], at `target`. */
function unpackBlock(w: usize, k: i32, target: usize): void {
  const rowBytes = <usize>k << 1;
  let pw = w;
  for (let chunk = 0; chunk < k; chunk += 32) {
    for (let channel: usize = 0; channel < 4; channel++) {
      const packed = v128.load(pw + (channel << 4));
      const row = target + channel * rowBytes + (<usize>chunk << 1);
      v128.store(row, i16x8.shr_s(i16x8.shl(packed, 12), 12));
      v128.store(row, i16x8.shr_s(i16x8.shl(packed, 8), 12), 16);
      v128.store(row, i16x8.shr_s(i16x8.shl(packed, 4), 12), 32);
      v128.store(row, i16x8.shr_s(packed, 12), 48);
    }
    pw += CHUNK_BYTES;
  }
}

/** Four channels of two activation rows against an unpacked block: returns the first row's four float sums, writes the second's to `second`. */
@inline function blockTwoRowsUnpacked(a: usize, aStride: usize, unpacked: usize, k: i32, scales: usize, groups: i32, groupSize: i32, second: usize): v128 {
  const rowBytes = <usize>k << 1;
  let sum0 = f32x4.splat(0);
  let sum1 = f32x4.splat(0);
  let offset: usize = 0;
  for (let group = 0; group < groups; group++) {
    let acc00 = i32x4.splat(0);
    let acc01 = i32x4.splat(0);
    let acc02 = i32x4.splat(0);
    let acc03 = i32x4.splat(0);
    let acc10 = i32x4.splat(0);
    let acc11 = i32x4.splat(0);
    let acc12 = i32x4.splat(0);
    let acc13 = i32x4.splat(0);
    const end = offset + (<usize>groupSize << 1);
    for (; offset < end; offset += 16) {
      const x0 = v128.load(a + offset);
      const x1 = v128.load(a + aStride + offset);
      const w0 = v128.load(unpacked + offset);
      acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(x0, w0));
      acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(x1, w0));
      const w1 = v128.load(unpacked + rowBytes + offset);
      acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(x0, w1));
      acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(x1, w1));
      const w2 = v128.load(unpacked + 2 * rowBytes + offset);
      acc02 = i32x4.add(acc02, i32x4.dot_i16x8_s(x0, w2));
      acc12 = i32x4.add(acc12, i32x4.dot_i16x8_s(x1, w2));
      const w3 = v128.load(unpacked + 3 * rowBytes + offset);
      acc03 = i32x4.add(acc03, i32x4.dot_i16x8_s(x0, w3));
      acc13 = i32x4.add(acc13, i32x4.dot_i16x8_s(x1, w3));
    }
    const groupScales = v128.load(scales + (<usize>group << 4));
    sum0 = f32x4.add(sum0, f32x4.mul(f32x4.convert_i32x4_s(transposeSumI32(acc00, acc01, acc02, acc03)), groupScales));
    sum1 = f32x4.add(sum1, f32x4.mul(f32x4.convert_i32x4_s(transposeSumI32(acc10, acc11, acc12, acc13)), groupScales));
  }
  v128.store(second, sum1);
  return sum0;
}

/** Four channels of one activation row against an unpacked block. Returns the four float sums before input scaling. */
@inline function blockRowUnpacked(a: usize, unpacked: usize, k: i32, scales: usize, groups: i32, groupSize: i32): v128 {
  const rowBytes = <usize>k << 1;
  let sum = f32x4.splat(0);
  let offset: usize = 0;
  for (let group = 0; group < groups; group++) {
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    const end = offset + (<usize>groupSize << 1);
    for (; offset < end; offset += 16) {
      const x = v128.load(a + offset);
      acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(x, v128.load(unpacked + offset)));
      acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(x, v128.load(unpacked + rowBytes + offset)));
      acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(x, v128.load(unpacked + 2 * rowBytes + offset)));
      acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(x, v128.load(unpacked + 3 * rowBytes + offset)));
    }
    sum = f32x4.add(sum, f32x4.mul(f32x4.convert_i32x4_s(transposeSumI32(acc0, acc1, acc2, acc3)), v128.load(scales + (<usize>group << 4))));
  }
  return sum;
}

/** The 4-bit value of channel `channel` (0..3) at input `index` in a packed block. */
@inline function packedValue(block: usize, channel: i32, index: i32): i32 {
  const within = index & 31;
  const lane = <i32>load<u16>(block + <usize>(index >> 5) * CHUNK_BYTES + (<usize>channel << 4) + (<usize>(within & 7) << 1));
  return (lane << (28 - 4 * (within >> 3))) >> 28;
}

/**
 * y[m, n] for qd8 rows `q` (stride `k` int16, parameters at `params`) and packed 4-bit weights
 * `w` (see the layout above; `n` padded up to a multiple of 4 in the packing), packed `scales`
 * and packed `bias` (0 = none). `k` is a multiple of `groupSize`, itself a multiple of 32.
 * `unpacked` is 8·k + 16 bytes of scratch, used when m > 1.
 */
export function linearQd8Qb4w(q: usize, params: usize, w: usize, scales: usize, bias: usize, y: usize, yStride: i32, m: i32, k: i32, n: i32, groupSize: i32, unpacked: usize): void {
  const groups = k / groupSize;
  const blocks = (n + 3) >> 2;
  const blockBytes = <usize>k << 1;
  const blockScaleBytes = <usize>groups << 4;
  const aRowBytes = <usize>k << 1;
  const yRowBytes = <usize>yStride << 2;
  for (let block = 0; block < blocks; block++) {
    const wBlock = w + <usize>block * blockBytes;
    const scaleBlock = scales + <usize>block * blockScaleBytes;
    const channels = min(4, n - block * 4);
    if (ASC_FEATURE_SIMD) {
      const biasVector = bias ? v128.load(bias + (<usize>block << 4)) : f32x4.splat(0);
      const target = y + (<usize>block << 4);
      if (m == 1) {
        const sums = blockRowPacked(q, wBlock, scaleBlock, groups, groupSize >> 5);
        storeLanes(target, f32x4.add(f32x4.mul(sums, f32x4.splat(load<f32>(params))), biasVector), channels);
        continue;
      }
      unpackBlock(wBlock, k, unpacked);
      let row = 0;
      for (; row + 2 <= m; row += 2) {
        const aRow = q + <usize>row * aRowBytes;
        const second = unpacked + (<usize>k << 3);
        const first = blockTwoRowsUnpacked(aRow, aRowBytes, unpacked, k, scaleBlock, groups, groupSize, second);
        const rowTarget = target + <usize>row * yRowBytes;
        storeLanes(rowTarget, f32x4.add(f32x4.mul(first, f32x4.splat(load<f32>(params + <usize>row * QD8_PARAMS_BYTES))), biasVector), channels);
        storeLanes(rowTarget + yRowBytes, f32x4.add(f32x4.mul(v128.load(second), f32x4.splat(load<f32>(params + <usize>(row + 1) * QD8_PARAMS_BYTES))), biasVector), channels);
      }
      if (row < m) {
        const sums = blockRowUnpacked(q + <usize>row * aRowBytes, unpacked, k, scaleBlock, groups, groupSize);
        storeLanes(target + <usize>row * yRowBytes, f32x4.add(f32x4.mul(sums, f32x4.splat(load<f32>(params + <usize>row * QD8_PARAMS_BYTES))), biasVector), channels);
      }
    } else {
      for (let row = 0; row < m; row++) {
        const aRow = q + <usize>row * aRowBytes;
        const inputScale = load<f32>(params + <usize>row * QD8_PARAMS_BYTES);
        for (let channel = 0; channel < channels; channel++) {
          let sum: f32 = 0;
          for (let group = 0; group < groups; group++) {
            let groupSum = 0;
            for (let index = group * groupSize; index < (group + 1) * groupSize; index++) {
              groupSum += <i32>load<i16>(aRow + (<usize>index << 1)) * packedValue(wBlock, channel, index);
            }
            sum += <f32>groupSum * load<f32>(scaleBlock + (<usize>(group * 4 + channel) << 2));
          }
          const biasValue: f32 = bias ? load<f32>(bias + (<usize>(block * 4 + channel) << 2)) : 0;
          store<f32>(y + <usize>row * yRowBytes + (<usize>(block * 4 + channel) << 2), sum * inputScale + biasValue);
        }
      }
    }
  }
}
