import { describe, expect, it } from 'vitest';
import { ScalarType } from '../scalar-type.js';
import { calculateScaleAndZeroPoint, chooseQParamsPerTokenRuntime, chooseQParamsRuntime } from './quantized-qparams.js';
import { Tensor } from './tensor.js';

const float = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));

describe("ExecuTorch's choose_qparams kernels", () => {
  it('reproduce kernels/quantized/test/op_choose_qparams_test.cpp', () => {
    const scale = Tensor.zeros(ScalarType.DOUBLE, [1]);
    const zeroPoint = Tensor.zeros(ScalarType.LONG, [1]);
    chooseQParamsRuntime(float([2, 2], [1.0, 2.5, 3.2, 15.4]), 0, 255, scale, zeroPoint);
    expect((scale.data as Float64Array)[0]).toBeCloseTo(0.0603922, 7);
    expect((zeroPoint.data as BigInt64Array)[0]).toBe(0n);

    const scales = Tensor.zeros(ScalarType.DOUBLE, [2, 1]);
    const zeroPoints = Tensor.zeros(ScalarType.LONG, [2, 1]);
    chooseQParamsPerTokenRuntime(float([2, 3], [-0.5, 0.3, 1.2, 0.1, -0.8, 2.1]), -128, 127, scales, zeroPoints);
    expect(Array.from(scales.data as Float64Array).map((s) => Number(s.toFixed(8)))).toEqual([0.00666667, 0.01137255]);
    expect(Array.from(zeroPoints.data as BigInt64Array)).toEqual([-53n, -58n]);

    const rows = float([5, 8], [
      5.2254, 5.6041, 5.7653, -1.0126, -0.86126, -0.1606, -0.99196, -1.067, 5.5913, 5.7713, 5.4901, -0.43128, -1.1759, -0.60466, -0.82913,
      -0.73623, 5.4588, 5.4066, 5.2644, -0.89692, -0.16866, -0.63169, -0.42352, -0.48866, 5.594, 5.5223, 5.5277, -0.17658, -0.30669, -1.1777,
      -0.65389, -0.36422, 5.6375, 5.1857, 5.0743, -0.46654, -0.43817, -0.41506, -0.94515, -0.60247,
    ]);
    const rowScales = Tensor.zeros(ScalarType.DOUBLE, [5, 1]);
    const rowZeroPoints = Tensor.zeros(ScalarType.LONG, [5, 1]);
    chooseQParamsPerTokenRuntime(rows, -128, 127, rowScales, rowZeroPoints);
    const expectedScales = [0.026793, 0.027244, 0.024924, 0.026556, 0.025814];
    Array.from(rowScales.data as Float64Array).forEach((s, i) => expect(Math.abs(s - expectedScales[i]!)).toBeLessThan(1e-6));
    expect(Array.from(rowZeroPoints.data as BigInt64Array)).toEqual([-88n, -85n, -92n, -84n, -91n]);
  });

  it('keep the scale in float64, replace a zero scale by 0.1 and raise tiny scales to 6.1e-5', () => {
    // Hand-derived from calculate_scale_and_zero_point in kernels/quantized/cpu/op_choose_qparams.cpp:
    // (double)2.1f − (double)−0.8f over 255, zero point from the smaller-error end.
    expect(calculateScaleAndZeroPoint(-0.8, 2.1, -128, 127)).toEqual({ scale: 0.011372548692366657, zeroPoint: -58 });
    expect(calculateScaleAndZeroPoint(0, 0, -128, 127)).toEqual({ scale: 0.1, zeroPoint: 127 });
    expect(calculateScaleAndZeroPoint(3, 3, -128, 127)).toEqual({ scale: 0.011764705882352941, zeroPoint: -128 });
    expect(calculateScaleAndZeroPoint(0, 2e-6, -128, 127)).toEqual({ scale: Math.fround(6.1e-5), zeroPoint: -128 });
    expect(calculateScaleAndZeroPoint(-3.2, 2.5, -128, 127)).toEqual({ scale: 0.022352941363465554, zeroPoint: 15 });
  });

  it('fail on empty input', () => {
    expect(() => chooseQParamsRuntime(float([0], []), -128, 127, Tensor.zeros(ScalarType.DOUBLE, [1]), Tensor.zeros(ScalarType.LONG, [1]))).toThrow(/empty/);
  });
});
