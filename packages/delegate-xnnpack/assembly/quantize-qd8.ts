// Dynamic int8 quantization of activations per row ("qd8"), with XNNPACK's arithmetic:
// `xnn_f32_qd8_asymmetric_quantization_params` over the row's [min(0, min), max(0, max)] range,
// then `f32-qs8-vcvt` (multiply, clamp to the int8 range less the zero point, round to nearest
// even, add the zero point). The quantized row is stored widened to int16 with the zero point
// already subtracted, the form the integer dot products consume.

/** Bytes per row in the parameter table: float32 dequantization scale, then int32 zero point. */
export const QD8_PARAMS_BYTES: i32 = 8;

/** Smallest and largest of `k` float32 values at `x`, returned through the two float32 slots at `out`. */
function rowMinMax(x: usize, k: i32, out: usize): void {
  let index = 0;
  let low: f32 = Infinity;
  let high: f32 = -Infinity;
  if (ASC_FEATURE_SIMD) {
    if (k >= 4) {
      let lowVector = f32x4.splat(Infinity);
      let highVector = f32x4.splat(-Infinity);
      for (; index + 4 <= k; index += 4) {
        const value = v128.load(x + (<usize>index << 2));
        lowVector = f32x4.min(lowVector, value);
        highVector = f32x4.max(highVector, value);
      }
      low = Mathf.min(Mathf.min(f32x4.extract_lane(lowVector, 0), f32x4.extract_lane(lowVector, 1)), Mathf.min(f32x4.extract_lane(lowVector, 2), f32x4.extract_lane(lowVector, 3)));
      high = Mathf.max(Mathf.max(f32x4.extract_lane(highVector, 0), f32x4.extract_lane(highVector, 1)), Mathf.max(f32x4.extract_lane(highVector, 2), f32x4.extract_lane(highVector, 3)));
    }
  }
  for (; index < k; index++) {
    const value = load<f32>(x + (<usize>index << 2));
    low = Mathf.min(low, value);
    high = Mathf.max(high, value);
  }
  store<f32>(out, low);
  store<f32>(out, high, 4);
}

/**
 * Quantizes `m` rows of `k` float32 values (row stride `xStride` elements) into int16 rows of
 * `q − zeroPoint` (row stride `qStride` elements; columns k..qStride are zeroed) and writes each
 * row's dequantization scale and zero point to `params` (QD8_PARAMS_BYTES per row).
 * `minMaxScratch` is 8 bytes of scratch.
 */
export function quantizeQd8(x: usize, xStride: i32, m: i32, k: i32, q: usize, qStride: i32, params: usize, minMaxScratch: usize): void {
  const qmin: f32 = -128;
  const qmax: f32 = 127;
  for (let row = 0; row < m; row++) {
    const xRow = x + (<usize>row * <usize>xStride << 2);
    const qRow = q + (<usize>row * <usize>qStride << 1);
    rowMinMax(xRow, k, minMaxScratch);
    const rmin = Mathf.min(0, load<f32>(minMaxScratch));
    const rmax = Mathf.max(0, load<f32>(minMaxScratch, 4));
    const scale: f32 = rmin == rmax ? 1 : (qmax - qmin) / (rmax - rmin);
    const descaledMin = rmin * scale;
    const descaledMax = rmax * scale;
    let zeroPoint: f32 = (qmin + descaledMin) + (qmax + descaledMax) > 0 ? qmin - descaledMin : qmax - descaledMax;
    zeroPoint = Mathf.min(Mathf.max(zeroPoint, qmin), qmax);
    zeroPoint = nearest<f32>(zeroPoint);
    const inverseScale: f32 = 1 / scale;
    const multiplier: f32 = 1 / inverseScale;
    const low = qmin - zeroPoint;
    const high = qmax - zeroPoint;
    store<f32>(params + <usize>row * QD8_PARAMS_BYTES, inverseScale);
    store<i32>(params + <usize>row * QD8_PARAMS_BYTES, <i32>zeroPoint, 4);
    let index = 0;
    if (ASC_FEATURE_SIMD) {
      const multiplierVector = f32x4.splat(multiplier);
      const lowVector = f32x4.splat(low);
      const highVector = f32x4.splat(high);
      for (; index + 8 <= k; index += 8) {
        const source = xRow + (<usize>index << 2);
        let first = f32x4.mul(v128.load(source), multiplierVector);
        let second = f32x4.mul(v128.load(source, 16), multiplierVector);
        first = f32x4.nearest(f32x4.min(f32x4.max(first, lowVector), highVector));
        second = f32x4.nearest(f32x4.min(f32x4.max(second, lowVector), highVector));
        v128.store(qRow + (<usize>index << 1), i16x8.narrow_i32x4_s(i32x4.trunc_sat_f32x4_s(first), i32x4.trunc_sat_f32x4_s(second)));
      }
    }
    for (; index < k; index++) {
      const scaled = Mathf.min(Mathf.max(load<f32>(xRow + (<usize>index << 2)) * multiplier, low), high);
      store<i16>(qRow + (<usize>index << 1), <i16><i32>nearest<f32>(scaled));
    }
    for (; index < qStride; index++) store<i16>(qRow + (<usize>index << 1), 0);
  }
}
