// Float32 fully connected kernels: y[m, n] = x[m, k] · W[n, k]ᵀ + b[n], W row-major [out, in].
// Decode (one row of x) streams one weight row at a time with four accumulators along k, the
// loop that reaches the highest streaming rate here; prefill uses a 4×2 register block so each
// weight vector loaded from memory serves four rows of x.

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
