// Float32 fully connected kernels: y[m, n] = x[m, k] · W[n, k]ᵀ + b[n].
// `linearF32Packed` runs prepared layers: weights packed in blocks of 4 channels interleaved per
// 4 inputs, so one activation load serves four channels from a single weight stream, and two rows
// of x share each weight load in prefill (about 2× the old row-major 4×2 blocking here).
// `linearF32` takes row-major operands with strides (batch matmul): one weight row at a time with
// four accumulators for a single row of x, a 4×2 register block otherwise.

import { storeLanes } from './reductions';

/** Sum of the four lanes of a float32x4 vector, lanes added pairwise in a fixed order. */
@inline export function horizontalSumF32(vector: v128): f32 {
  return (f32x4.extract_lane(vector, 0) + f32x4.extract_lane(vector, 1)) + (f32x4.extract_lane(vector, 2) + f32x4.extract_lane(vector, 3));
}

/** Dot product of `k` float32 values at `a` and `b`. */
export function dotF32(a: usize, b: usize, k: i32): f32 {
  let index = 0;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let acc2 = f32x4.splat(0);
    let acc3 = f32x4.splat(0);
    let pa = a;
    let pb = b;
    for (; index + 16 <= k; index += 16) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pa), v128.load(pb)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(pa, 16), v128.load(pb, 16)));
      acc2 = f32x4.add(acc2, f32x4.mul(v128.load(pa, 32), v128.load(pb, 32)));
      acc3 = f32x4.add(acc3, f32x4.mul(v128.load(pa, 48), v128.load(pb, 48)));
      pa += 64;
      pb += 64;
    }
    for (; index + 4 <= k; index += 4) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(pa), v128.load(pb)));
      pa += 16;
      pb += 16;
    }
    sum = horizontalSumF32(f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3)));
  }
  for (; index < k; index++) {
    const offset = <usize>index << 2;
    sum += load<f32>(a + offset) * load<f32>(b + offset);
  }
  return sum;
}

/** Four rows of x (stride `xStride` bytes) against two weight rows (stride `wStride` bytes); writes a 4×2 block of y. */
function block4x2(x: usize, xStride: usize, w: usize, wStride: usize, k: i32, y: usize, yStride: usize, bias0: f32, bias1: f32): void {
  let acc00 = f32x4.splat(0);
  let acc01 = f32x4.splat(0);
  let acc10 = f32x4.splat(0);
  let acc11 = f32x4.splat(0);
  let acc20 = f32x4.splat(0);
  let acc21 = f32x4.splat(0);
  let acc30 = f32x4.splat(0);
  let acc31 = f32x4.splat(0);
  const x1 = x + xStride;
  const x2 = x1 + xStride;
  const x3 = x2 + xStride;
  const w1 = w + wStride;
  let offset: usize = 0;
  let index = 0;
  for (; index + 4 <= k; index += 4) {
    const b0 = v128.load(w + offset);
    const b1 = v128.load(w1 + offset);
    const a0 = v128.load(x + offset);
    acc00 = f32x4.add(acc00, f32x4.mul(a0, b0));
    acc01 = f32x4.add(acc01, f32x4.mul(a0, b1));
    const a1 = v128.load(x1 + offset);
    acc10 = f32x4.add(acc10, f32x4.mul(a1, b0));
    acc11 = f32x4.add(acc11, f32x4.mul(a1, b1));
    const a2 = v128.load(x2 + offset);
    acc20 = f32x4.add(acc20, f32x4.mul(a2, b0));
    acc21 = f32x4.add(acc21, f32x4.mul(a2, b1));
    const a3 = v128.load(x3 + offset);
    acc30 = f32x4.add(acc30, f32x4.mul(a3, b0));
    acc31 = f32x4.add(acc31, f32x4.mul(a3, b1));
    offset += 16;
  }
  let s00 = horizontalSumF32(acc00);
  let s01 = horizontalSumF32(acc01);
  let s10 = horizontalSumF32(acc10);
  let s11 = horizontalSumF32(acc11);
  let s20 = horizontalSumF32(acc20);
  let s21 = horizontalSumF32(acc21);
  let s30 = horizontalSumF32(acc30);
  let s31 = horizontalSumF32(acc31);
  for (; index < k; index++) {
    const b0 = load<f32>(w + offset);
    const b1 = load<f32>(w1 + offset);
    const a0 = load<f32>(x + offset);
    const a1 = load<f32>(x1 + offset);
    const a2 = load<f32>(x2 + offset);
    const a3 = load<f32>(x3 + offset);
    s00 += a0 * b0;
    s01 += a0 * b1;
    s10 += a1 * b0;
    s11 += a1 * b1;
    s20 += a2 * b0;
    s21 += a2 * b1;
    s30 += a3 * b0;
    s31 += a3 * b1;
    offset += 4;
  }
  store<f32>(y, s00 + bias0);
  store<f32>(y, s01 + bias1, 4);
  store<f32>(y + yStride, s10 + bias0);
  store<f32>(y + yStride, s11 + bias1, 4);
  store<f32>(y + 2 * yStride, s20 + bias0);
  store<f32>(y + 2 * yStride, s21 + bias1, 4);
  store<f32>(y + 3 * yStride, s30 + bias0);
  store<f32>(y + 3 * yStride, s31 + bias1, 4);
}

/**
 * y[m, n] = x[m, k] · W[n, k]ᵀ (+ bias[n] when `bias` is not 0). Strides are in elements.
 */
export function linearF32(x: usize, xStride: i32, w: usize, wStride: i32, bias: usize, y: usize, yStride: i32, m: i32, k: i32, n: i32): void {
  const xRowBytes = <usize>xStride << 2;
  const wRowBytes = <usize>wStride << 2;
  const yRowBytes = <usize>yStride << 2;
  let row = 0;
  if (ASC_FEATURE_SIMD) {
    for (; row + 4 <= m; row += 4) {
      const xRow = x + <usize>row * xRowBytes;
      const yRow = y + <usize>row * yRowBytes;
      let column = 0;
      for (; column + 2 <= n; column += 2) {
        const bias0: f32 = bias ? load<f32>(bias + (<usize>column << 2)) : 0;
        const bias1: f32 = bias ? load<f32>(bias + (<usize>column << 2), 4) : 0;
        block4x2(xRow, xRowBytes, w + <usize>column * wRowBytes, wRowBytes, k, yRow + (<usize>column << 2), yRowBytes, bias0, bias1);
      }
      for (; column < n; column++) {
        const wRow = w + <usize>column * wRowBytes;
        const biasValue: f32 = bias ? load<f32>(bias + (<usize>column << 2)) : 0;
        for (let r = 0; r < 4; r++) {
          store<f32>(yRow + <usize>r * yRowBytes + (<usize>column << 2), dotF32(xRow + <usize>r * xRowBytes, wRow, k) + biasValue);
        }
      }
    }
  }
  for (; row < m; row++) {
    const xRow = x + <usize>row * xRowBytes;
    const yRow = y + <usize>row * yRowBytes;
    for (let column = 0; column < n; column++) {
      const biasValue: f32 = bias ? load<f32>(bias + (<usize>column << 2)) : 0;
      store<f32>(yRow + (<usize>column << 2), dotF32(xRow, w + <usize>column * wRowBytes, k) + biasValue);
    }
  }
}

/** [Σa, Σb, Σc, Σd] of four float32x4 vectors, each lane sum in the fixed order (l0 + l2) + (l1 + l3). */
@inline function transposeSumF32(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/** Four channels of one row of x against one packed block (kPadded a multiple of 8). */
@inline function packedBlockRow(x: usize, w: usize, kPadded: i32): v128 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let acc2 = f32x4.splat(0);
  let acc3 = f32x4.splat(0);
  let acc4 = f32x4.splat(0);
  let acc5 = f32x4.splat(0);
  let acc6 = f32x4.splat(0);
  let acc7 = f32x4.splat(0);
  let px = x;
  let pw = w;
  const end = x + (<usize>kPadded << 2);
  while (px < end) {
    const x0 = v128.load(px);
    acc0 = f32x4.add(acc0, f32x4.mul(x0, v128.load(pw)));
    acc1 = f32x4.add(acc1, f32x4.mul(x0, v128.load(pw, 16)));
    acc2 = f32x4.add(acc2, f32x4.mul(x0, v128.load(pw, 32)));
    acc3 = f32x4.add(acc3, f32x4.mul(x0, v128.load(pw, 48)));
    const x1 = v128.load(px, 16);
    acc4 = f32x4.add(acc4, f32x4.mul(x1, v128.load(pw, 64)));
    acc5 = f32x4.add(acc5, f32x4.mul(x1, v128.load(pw, 80)));
    acc6 = f32x4.add(acc6, f32x4.mul(x1, v128.load(pw, 96)));
    acc7 = f32x4.add(acc7, f32x4.mul(x1, v128.load(pw, 112)));
    px += 32;
    pw += 128;
  }
  return transposeSumF32(f32x4.add(acc0, acc4), f32x4.add(acc1, acc5), f32x4.add(acc2, acc6), f32x4.add(acc3, acc7));
}

/** Four channels of two rows of x against one packed block: returns the first row's sums, writes the second's to `second`. */
@inline function packedBlockTwoRows(x: usize, xStride: usize, w: usize, kPadded: i32, second: usize): v128 {
  let acc00 = f32x4.splat(0);
  let acc01 = f32x4.splat(0);
  let acc02 = f32x4.splat(0);
  let acc03 = f32x4.splat(0);
  let acc10 = f32x4.splat(0);
  let acc11 = f32x4.splat(0);
  let acc12 = f32x4.splat(0);
  let acc13 = f32x4.splat(0);
  let px = x;
  let pw = w;
  const end = x + (<usize>kPadded << 2);
  while (px < end) {
    const x0 = v128.load(px);
    const x1 = v128.load(px + xStride);
    const w0 = v128.load(pw);
    acc00 = f32x4.add(acc00, f32x4.mul(x0, w0));
    acc10 = f32x4.add(acc10, f32x4.mul(x1, w0));
    const w1 = v128.load(pw, 16);
    acc01 = f32x4.add(acc01, f32x4.mul(x0, w1));
    acc11 = f32x4.add(acc11, f32x4.mul(x1, w1));
    const w2 = v128.load(pw, 32);
    acc02 = f32x4.add(acc02, f32x4.mul(x0, w2));
    acc12 = f32x4.add(acc12, f32x4.mul(x1, w2));
    const w3 = v128.load(pw, 48);
    acc03 = f32x4.add(acc03, f32x4.mul(x0, w3));
    acc13 = f32x4.add(acc13, f32x4.mul(x1, w3));
    px += 16;
    pw += 64;
  }
  v128.store(second, transposeSumF32(acc10, acc11, acc12, acc13));
  return transposeSumF32(acc00, acc01, acc02, acc03);
}

/**
 * y[m, n] = x[m, kPadded] · Wᵀ (+ bias) for weights packed by the host: channels in blocks of 4
 * (padded with zero rows), per block and 4 inputs 16 floats (4 per channel); inputs padded with
 * zeros to a multiple of 8; bias (0 = none) padded to whole blocks. x has a row stride of kPadded.
 * `second` is 16 bytes of scratch.
 */
export function linearF32Packed(x: usize, w: usize, bias: usize, y: usize, yStride: i32, m: i32, kPadded: i32, n: i32, second: usize): void {
  const blocks = (n + 3) >> 2;
  const blockBytes = <usize>kPadded << 4;
  const xRowBytes = <usize>kPadded << 2;
  const yRowBytes = <usize>yStride << 2;
  for (let block = 0; block < blocks; block++) {
    const wBlock = w + <usize>block * blockBytes;
    const channels = min(4, n - block * 4);
    const column = <usize>block << 4;
    if (ASC_FEATURE_SIMD) {
      const biasVector = bias ? v128.load(bias + column) : f32x4.splat(0);
      let row = 0;
      for (; row + 2 <= m; row += 2) {
        const first = packedBlockTwoRows(x + <usize>row * xRowBytes, xRowBytes, wBlock, kPadded, second);
        const target = y + <usize>row * yRowBytes + column;
        storeLanes(target, f32x4.add(first, biasVector), channels);
        storeLanes(target + yRowBytes, f32x4.add(v128.load(second), biasVector), channels);
      }
      if (row < m) storeLanes(y + <usize>row * yRowBytes + column, f32x4.add(packedBlockRow(x + <usize>row * xRowBytes, wBlock, kPadded), biasVector), channels);
    } else {
      for (let row = 0; row < m; row++) {
        for (let channel = 0; channel < channels; channel++) {
          let sum: f32 = 0;
          for (let index = 0; index < kPadded; index++) {
            sum += load<f32>(x + <usize>row * xRowBytes + (<usize>index << 2)) * load<f32>(wBlock + (<usize>(index >> 2) << 6) + (<usize>channel << 4) + (<usize>(index & 3) << 2));
          }
          const offset = column + (<usize>channel << 2);
          store<f32>(y + <usize>row * yRowBytes + offset, sum + (bias ? load<f32>(bias + offset) : 0));
        }
      }
    }
  }
}
