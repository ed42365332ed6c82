import { describe, expect, it } from 'vitest';
import { ScalarType } from '../scalar-type.js';
import {
  chooseQParamsPerTensor,
  chooseQParamsPerTokenAsymmetric,
  nearbyint,
  quantizeGroupwise,
  quantizePerChannelSymmetric,
  quantizeSymmetric,
} from './quantize.js';
import { Tensor } from './tensor.js';

const float = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));

describe('nearbyint', () => {
  it('rounds ties to even like C nearbyint and torch.round, unlike Math.round', () => {
    // torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 3.7, -3.7]))
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 3.7, -3.7].map(nearbyint)).toEqual([0, 2, 2, -0, -2, -2, 0, 4, -4]);
    expect(Math.round(2.5)).toBe(3);
    expect(nearbyint(2 ** 53)).toBe(2 ** 53);
    expect(nearbyint(Infinity)).toBe(Infinity);
    expect(nearbyint(NaN)).toBeNaN();
  });
});

// Expected values: torchao choose_qparams_affine(MappingType.SYMMETRIC, eps=finfo(dtype).eps) +
// quantize_affine, evaluated with torch 2.13 op by op on the same weights:
// w[r][i] = ((i·37) mod 23 − 11) / 8 for i = 8r … 8r+7, row 2 all zeros.
const weights = () =>
  float(
    [3, 8],
    [-1.375, 0.375, -0.75, 1.0, -0.125, -1.25, 0.5, -0.625, 1.125, 0.0, -1.125, 0.625, -0.5, 1.25, 0.125, -1.0, 0, 0, 0, 0, 0, 0, 0, 0],
  );

describe('quantizeSymmetric', () => {
  it('quantizes 4-bit groups of 4 as torchao does, with eps for an all-zero group', () => {
    const { values, scales } = quantizeGroupwise(weights(), 4, 4);
    expect(Array.from(values.data as Int8Array)).toEqual([-8, 2, -4, 5, -1, -8, 3, -4, 7, 0, -8, 4, -3, 7, 1, -6, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(scales.shape).toEqual([3, 2]);
    expect(Array.from(scales.data as Float32Array)).toEqual(
      [0.18333333730697632, 0.1666666716337204, 0.15000000596046448, 0.1666666716337204, 1.1920928955078125e-7, 1.1920928955078125e-7],
    );
  });

  it('quantizes 8-bit per channel (divisor 127.5)', () => {
    const { values, scales } = quantizePerChannelSymmetric(weights(), 8);
    expect(Array.from(values.data as Int8Array)).toEqual([-128, 35, -70, 93, -12, -116, 46, -58, 115, 0, -115, 64, -51, 127, 13, -102, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(scales.shape).toEqual([3]);
    expect(Array.from(scales.data as Float32Array)).toEqual([0.010784314014017582, 0.009803921915590763, 1.1920928955078125e-7]);
  });

  it('rounds exact ties to even and clamps to [-8, 7]', () => {
    // max |w| = 7.5 gives scale 1 at 4 bits; torch.round(7.5) = 8 clamps to 7, round(-7.5) = -8
    const { values, scales } = quantizeSymmetric(float([1, 8], [7.5, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -7.5]), 4);
    expect(Array.from(values.data as Int8Array)).toEqual([7, 0, 2, 2, 0, -2, -2, -8]);
    expect(Array.from(scales.data as Float32Array)).toEqual([1]);
  });

  it('computes in bfloat16 for bfloat16 weights, with scales in bfloat16', () => {
    const bf16 = Tensor.zeros(ScalarType.BFLOAT16, [3, 8]);
    // weights() are exact in bfloat16; 0x3f80 is 1.0, so write via the float bit pattern's top half
    const source = new Uint32Array(Float32Array.from(weights().data as Float32Array).buffer);
    (bf16.data as Uint16Array).set(Array.from(source, (bits) => bits >>> 16));
    const { values, scales } = quantizeGroupwise(bf16, 4, 4);
    expect(Array.from(values.data as Int8Array)).toEqual([-7, 2, -4, 5, -1, -8, 3, -4, 7, 0, -8, 4, -3, 7, 1, -6, 0, 0, 0, 0, 0, 0, 0, 0]);
    // scale.view(torch.int16): bfloat16 bit patterns (eps 2^-7 = 0x3c00 for the zero row)
    expect(Array.from(scales.data as Uint16Array)).toEqual([15932, 15915, 15898, 15915, 15360, 15360]);
  });

  it('rejects group sizes that do not divide rows, bad bit widths, NaN and non-float weights', () => {
    expect(() => quantizeGroupwise(weights(), 4, 3)).toThrow(/groupSize: must divide the row length 8/);
    expect(() => quantizeSymmetric(weights(), 9)).toThrow(/bits: must be an integer in \[1, 8\]/);
    expect(() => quantizeSymmetric(float([1, 2], [NaN, 1]), 8)).toThrow(/element 0 is NaN/);
    expect(() => quantizeSymmetric(Tensor.zeros(ScalarType.INT, [2, 2]), 8)).toThrow(/must be float32, float16 or bfloat16/);
  });
});

describe('chooseQParamsPerTokenAsymmetric', () => {
  it("matches torch.ao's _choose_qparams_per_token_asymmetric_impl, including zero and constant rows", () => {
    // torch.ops.quantized_decomposed.choose_qparams_per_token_asymmetric(x, torch.int8)
    const x = float([5, 3], [-0.5, 0.3, 1.2, 0.1, -0.8, 2.1, 0, 0, 0, 3, 3, 3, 1e-6, 2e-6, 0]);
    const { scales, zeroPoints } = chooseQParamsPerTokenAsymmetric(x);
    expect(scales.shape).toEqual([5, 1]);
    expect(scales.dtype).toBe(ScalarType.DOUBLE);
    expect(Array.from(scales.data as Float64Array)).toEqual([
      0.006666666828095913, 0.011372548528015614, 1.1920928955078125e-7, 0.0117647061124444, 1.1920928955078125e-7,
    ]);
    expect(Array.from(zeroPoints.data as BigInt64Array)).toEqual([-53n, -58n, 127n, -128n, -128n]);
  });
});

describe('chooseQParamsPerTensor', () => {
  it('matches quantized_decomposed.choose_qparams.tensor (torch.ao determine_qparams)', () => {
    expect(chooseQParamsPerTensor(float([4], [1.0, 2.5, 3.2, 15.4]), 0, 255, 1e-5)).toEqual({ scale: 0.06039215624332428, zeroPoint: 0 });
    expect(chooseQParamsPerTensor(float([4], [-1.0, 2.5, -3.2, 0.4]), -128, 127, 1e-5)).toEqual({ scale: 0.02235294133424759, zeroPoint: 15 });
    // all zeros: the scale becomes eps (as float32)
    expect(chooseQParamsPerTensor(float([3], [0, 0, 0]), -128, 127, 1e-5)).toEqual({ scale: 9.999999747378752e-6, zeroPoint: -128 });
  });
});
