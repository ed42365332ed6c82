// Elementwise float32 kernels for the nodes between the matrix products of a decoder layer:
// binary arithmetic with the broadcast patterns a plan resolves (same shape, a repeated operand,
// a stretched one), unary math, and softmax over rows. exp follows XNNPACK's rr2_p5 scheme (range
// reduction with a split ln 2, a degree-5 polynomial, 2^n from a magic-bias add), used by its
// sigmoid and softmax kernels, so results stay within a few ulp of XNNPACK's.

/** Binary operator codes, in the order of `BINARY_OPERATORS` in src/kernels/activation-memory.ts. */
const ADD = 0;
const SUBTRACT = 1;
const MULTIPLY = 2;
const DIVIDE = 3;
const MAXIMUM = 4;

/** Unary operator codes, in the order of `UNARY_OPERATORS` in src/kernels/activation-memory.ts. */
const NEGATE = 0;
const SQUARE = 1;
const RECIPROCAL_SQUARE_ROOT = 2;
const SQUARE_ROOT = 3;
const ABS = 4;
const SIGMOID = 5;

@inline function binaryScalar(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUBTRACT) return a - b;
  if (op == MULTIPLY) return a * b;
  if (op == DIVIDE) return a / b;
  if (op == MAXIMUM) return a > b ? a : b;
  return a < b ? a : b;
}

@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUBTRACT) return f32x4.sub(a, b);
  if (op == MULTIPLY) return f32x4.mul(a, b);
  if (op == DIVIDE) return f32x4.div(a, b);
  if (op == MAXIMUM) return f32x4.pmax(a, b);
  return f32x4.pmin(a, b);
}

/** o[i] = x[i] ∘ y[i] for i < n (x, y, o may coincide). */
@inline function binarySame(op: i32, x: usize, y: usize, o: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const offset = <usize>i << 2;
      v128.store(o + offset, binaryVector(op, v128.load(x + offset), v128.load(y + offset)));
    }
  }
  for (; i < n; i++) {
    const offset = <usize>i << 2;
    store<f32>(o + offset, binaryScalar(op, load<f32>(x + offset), load<f32>(y + offset)));
  }
}

/** o[i] = x[i] ∘ v for i < n. */
@inline function binaryByScalar(op: i32, x: usize, v: f32, o: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vector = f32x4.splat(v);
    for (; i + 4 <= n; i += 4) {
      const offset = <usize>i << 2;
      v128.store(o + offset, binaryVector(op, v128.load(x + offset), vector));
    }
  }
  for (; i < n; i++) {
    const offset = <usize>i << 2;
    store<f32>(o + offset, binaryScalar(op, load<f32>(x + offset), v));
  }
}

/**
 * o = x ∘ y over n elements, where x is laid out like o and y is either repeated every `period`
 * elements (inner = 1; period = n for equal shapes, 1 for a scalar) or each of its elements
 * stretched over `inner` consecutive ones.
 */
export function binaryF32(op: i32, x: usize, y: usize, o: usize, n: i32, period: i32, inner: i32): void {
  if (inner > 1) {
    for (let start = 0, j = 0; start < n; start += inner, j++) {
      const offset = <usize>start << 2;
      binaryByScalar(op, x + offset, load<f32>(y + (<usize>j << 2)), o + offset, inner);
    }
    return;
  }
  if (period == 1) {
    binaryByScalar(op, x, load<f32>(y), o, n);
    return;
  }
  for (let start = 0; start < n; start += period) {
    const offset = <usize>start << 2;
    binarySame(op, x + offset, y, o + offset, period);
  }
}

// exp(z) for z ≤ 0, XNNPACK's f32 rr2_p5 evaluation.
const MAGIC_BIAS: f32 = 12583039.0; // 0x1.8000FEp23: rounds z·log2(e) and carries the exponent bias 127
const LOG2E: f32 = 1.44269502;
const MINUS_LN2_HI: f32 = -0.693145752; // -0x1.62E400p-1
const MINUS_LN2_LO: f32 = -1.42860677e-6; // -0x1.7F7D1Cp-20
const C5: f32 = 0.00830636453; // 0x1.0F9F9Cp-7
const C4: f32 = 0.0418978221; // 0x1.573A1Ap-5
const C3: f32 = 0.166676521; // 0x1.555A80p-3
const C2: f32 = 0.499991506; // 0x1.FFFDC6p-2
const C1: f32 = 0.999999701; // 0x1.FFFFF6p-1
const DENORMAL_CUTOFF: f32 = -87.3365402; // below this exp(z) is flushed to 0

@inline function expNonPositiveVector(z: v128): v128 {
  let n = f32x4.add(f32x4.mul(z, f32x4.splat(LOG2E)), f32x4.splat(MAGIC_BIAS));
  const s = i32x4.shl(n, 23);
  n = f32x4.sub(n, f32x4.splat(MAGIC_BIAS));
  let t = f32x4.add(f32x4.mul(n, f32x4.splat(MINUS_LN2_HI)), z);
  t = f32x4.add(f32x4.mul(n, f32x4.splat(MINUS_LN2_LO)), t);
  let p = f32x4.add(f32x4.mul(f32x4.splat(C5), t), f32x4.splat(C4));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C3));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C2));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(C1));
  t = f32x4.mul(t, s);
  const e = f32x4.add(f32x4.mul(t, p), s);
  return v128.andnot(e, f32x4.lt(z, f32x4.splat(DENORMAL_CUTOFF)));
}

@inline function expNonPositiveScalar(z: f32): f32 {
  if (z < DENORMAL_CUTOFF) return 0;
  let n = z * LOG2E + MAGIC_BIAS;
  const s = reinterpret<f32>(reinterpret<i32>(n) << 23);
  n -= MAGIC_BIAS;
  let t = n * MINUS_LN2_HI + z;
  t = n * MINUS_LN2_LO + t;
  let p = C5 * t + C4;
  p = p * t + C3;
  p = p * t + C2;
  p = p * t + C1;
  t *= s;
  return t * p + s;
}

@inline function sigmoidScalar(x: f32): f32 {
  const e = expNonPositiveScalar(-Mathf.abs(x));
  const f = e / (e + 1);
  return x > 0 ? 1 - f : f;
}

@inline function unaryScalar(op: i32, x: f32): f32 {
  if (op == NEGATE) return -x;
  if (op == SQUARE) return x * x;
  if (op == RECIPROCAL_SQUARE_ROOT) return 1 / Mathf.sqrt(x);
  if (op == SQUARE_ROOT) return Mathf.sqrt(x);
  if (op == ABS) return Mathf.abs(x);
  return sigmoidScalar(x);
}

@inline function unaryVector(op: i32, x: v128): v128 {
  if (op == NEGATE) return f32x4.neg(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  if (op == RECIPROCAL_SQUARE_ROOT) return f32x4.div(f32x4.splat(1), f32x4.sqrt(x));
  if (op == SQUARE_ROOT) return f32x4.sqrt(x);
  if (op == ABS) return f32x4.abs(x);
  const e = expNonPositiveVector(f32x4.neg(f32x4.abs(x)));
  const f = f32x4.div(e, f32x4.add(e, f32x4.splat(1)));
  return v128.bitselect(f32x4.sub(f32x4.splat(1), f), f, f32x4.gt(x, f32x4.splat(0)));
}

/** o[i] = op(x[i]) for i < n. */
export function unaryF32(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const offset = <usize>i << 2;
      v128.store(o + offset, unaryVector(op, v128.load(x + offset)));
    }
  }
  for (; i < n; i++) {
    const offset = <usize>i << 2;
    store<f32>(o + offset, unaryScalar(op, load<f32>(x + offset)));
  }
}

/** Softmax of each of `rows` rows of `width` elements: exp(x − max) · (1 / Σ exp(x − max)). */
export function softmaxF32(x: usize, o: usize, rows: i32, width: i32): void {
  for (let row = 0; row < rows; row++) {
    const xRow = x + (<usize>row * <usize>width << 2);
    const oRow = o + (<usize>row * <usize>width << 2);
    let max: f32 = -Infinity;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let maxVector = f32x4.splat(-Infinity);
      for (; i + 4 <= width; i += 4) maxVector = f32x4.pmax(maxVector, v128.load(xRow + (<usize>i << 2)));
      max = Mathf.max(Mathf.max(f32x4.extract_lane(maxVector, 0), f32x4.extract_lane(maxVector, 1)), Mathf.max(f32x4.extract_lane(maxVector, 2), f32x4.extract_lane(maxVector, 3)));
    }
    for (; i < width; i++) max = Mathf.max(max, load<f32>(xRow + (<usize>i << 2)));
    let sum: f32 = 0;
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const maxVector = f32x4.splat(max);
      let sumVector = f32x4.splat(0);
      for (; i + 4 <= width; i += 4) {
        const offset = <usize>i << 2;
        const e = expNonPositiveVector(f32x4.sub(v128.load(xRow + offset), maxVector));
        v128.store(oRow + offset, e);
        sumVector = f32x4.add(sumVector, e);
      }
      sum = (f32x4.extract_lane(sumVector, 0) + f32x4.extract_lane(sumVector, 1)) + (f32x4.extract_lane(sumVector, 2) + f32x4.extract_lane(sumVector, 3));
    }
    for (; i < width; i++) {
      const offset = <usize>i << 2;
      const e = expNonPositiveScalar(load<f32>(xRow + offset) - max);
      store<f32>(oRow + offset, e);
      sum += e;
    }
    binaryByScalar(MULTIPLY, oRow, 1 / sum, oRow, width);
  }
}
