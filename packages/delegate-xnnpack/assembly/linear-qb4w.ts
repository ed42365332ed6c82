// qd8 × qb4w fully connected kernels: 4-bit weights in blocks (groups) along the input dimension,
// one float32 scale per (output channel, group). Each group's integer sum is exact (int32), is
// converted to float, multiplied by the group's scale and accumulated in float in group order;
// y = sum · inputScale + bias.
//
// Packed layout (built by the host): output channels in blocks of 4 (padded with zero rows), and
// per block and per 32 inputs, 64 bytes: 16 bytes for each of the 4 channels, byte j holding input
// j in its low nibble and input j + 16 in its high nibble, as 4-bit two's complement. Masking the
// high nibble (and shifting the low one up) yields int8 values of 16·w without a subtraction, so
// integer sums come out 16× too large and are shifted back, exactly, before conversion to float.
// Scales are packed per block as [groups][4] and the bias as [4] per block.
// The four channels of a block are reduced together: one transpose-add turns their four int32
// vectors into one vector of four sums, so per-group reductions cost little.

import { QD8_PARAMS_BYTES } from './quantize-qd8';
import { transposeSumI32 } from './reductions';

/** Bytes of packed weights per block of 4 channels and 32 inputs. */
const CHUNK_BYTES: usize = 64;

/** One channel's dot products of one 32-input chunk: 16 packed bytes at `w` against activations a0..a3. */
@inline function chunkDot(acc: v128, w: usize, a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const bytes = v128.load(w);
  const low = i8x16.shl(bytes, 4);
  const high = v128.and(bytes, i8x16.splat(<i8>0xf0));
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a0, i16x8.extend_low_i8x16_s(low)));
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a1, i16x8.extend_high_i8x16_s(low)));
  acc = i32x4.add(acc, i32x4.dot_i16x8_s(a2, i16x8.extend_low_i8x16_s(high)));
  return i32x4.add(acc, i32x4.dot_i16x8_s(a3, i16x8.extend_high_i8x16_s(high)));
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
    const sums = i32x4.shr_s(transposeSumI32(acc0, acc1, acc2, acc3), 4);
    sum = f32x4.add(sum, f32x4.mul(f32x4.convert_i32x4_s(sums), v128.load(scales + (<usize>group << 4))));
  }
  return sum;
}

/** Unpacks one block of 4 channels (k inputs) to int16 values of 16·w, laid out [4][k], at `target`. */
function unpackBlock(w: usize, k: i32, target: usize): void {
  const rowBytes = <usize>k << 1;
  let pw = w;
  for (let chunk = 0; chunk < k; chunk += 32) {
    for (let channel: usize = 0; channel < 4; channel++) {
      const bytes = v128.load(pw + (channel << 4));
      const low = i8x16.shl(bytes, 4);
      const high = v128.and(bytes, i8x16.splat(<i8>0xf0));
      const row = target + channel * rowBytes + (<usize>chunk << 1);
      v128.store(row, i16x8.extend_low_i8x16_s(low));
      v128.store(row, i16x8.extend_high_i8x16_s(low), 16);
      v128.store(row, i16x8.extend_low_i8x16_s(high), 32);
      v128.store(row, i16x8.extend_high_i8x16_s(high), 48);
    }
    pw += CHUNK_BYTES;
  }
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
    const sums = i32x4.shr_s(transposeSumI32(acc0, acc1, acc2, acc3), 4);
    sum = f32x4.add(sum, f32x4.mul(f32x4.convert_i32x4_s(sums), v128.load(scales + (<usize>group << 4))));
  }
  return sum;
}

/** The 4-bit value of channel `channel` (0..3) at input `index` in a packed block. */
@inline function packedValue(block: usize, channel: i32, index: i32): i32 {
  const byte = <i32>load<u8>(block + <usize>(index >> 5) * CHUNK_BYTES + (<usize>channel << 4) + <usize>(index & 15));
  return (index & 16) ? (byte << 24) >> 28 : (byte << 28) >> 28;
}

/**
 * y[m, n] for qd8 rows `q` (stride `k` int16, parameters at `params`) and packed 4-bit weights
 * `w` (see the layout above; `n` padded up to a multiple of 4 in the packing), packed `scales`
 * and packed `bias` (0 = none). `k` is a multiple of `groupSize`, itself a multiple of 32.
 * `unpacked` is 8·k bytes of scratch, used when m > 1.
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
      if (m > 1) unpackBlock(wBlock, k, unpacked);
      for (let row = 0; row < m; row++) {
        const aRow = q + <usize>row * aRowBytes;
        const sums = m > 1 ? blockRowUnpacked(aRow, unpacked, k, scaleBlock, groups, groupSize) : blockRowPacked(aRow, wBlock, scaleBlock, groups, groupSize >> 5);
        const inputScale = load<f32>(params + <usize>row * QD8_PARAMS_BYTES);
        const result = f32x4.add(f32x4.mul(sums, f32x4.splat(inputScale)), biasVector);
        const target = y + <usize>row * yRowBytes + (<usize>block << 4);
        if (channels == 4) v128.store(target, result);
        else {
          store<f32>(target, f32x4.extract_lane(result, 0));
          if (channels > 1) store<f32>(target, f32x4.extract_lane(result, 1), 4);
          if (channels > 2) store<f32>(target, f32x4.extract_lane(result, 2), 8);
        }
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
