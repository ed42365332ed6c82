import { describe, expect, it } from 'vitest';
import { float16BitsToNumber, float32ToFloat16Bits, quantizeRowQ4_0, quantizeRowQ8_0 } from './ggml-quantize.js';

describe('float32ToFloat16Bits', () => {
  it('rounds known values to nearest even', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.1)).toBe(0x2e66);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(1);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(2);
    // 1 + 2^-11 is halfway between 1 and the next half; ties go to the even mantissa (1).
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('round-trips every finite half', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) !== 0x7c00 && float32ToFloat16Bits(float16BitsToNumber(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('quantizeRowQ8_0', () => {
  it('stores amax / 127 as the scale and rounds halves away from zero', () => {
    const row = new Float32Array(32);
    row[0] = 127;
    row[1] = -2.5;
    row[2] = 2.5;
    row[3] = -127;
    const block = quantizeRowQ8_0(row);
    expect(new DataView(block.buffer).getUint16(0, true)).toBe(0x3c00);
    expect(Array.from(new Int8Array(block.buffer, 2, 4))).toEqual([127, -3, 3, -127]);
  });
});

describe('quantizeRowQ4_0', () => {
  it('uses max / -8 as the scale and packs element j with element j + 16', () => {
    const row = new Float32Array(32);
    row[0] = -8;
    row[16] = 4;
    row[1] = 1.5;
    const block = quantizeRowQ4_0(row);
    const d = float16BitsToNumber(new DataView(block.buffer).getUint16(0, true));
    expect(d).toBe(1);
    // q = min(15, trunc(x / d + 8.5)): -8 → 0, 4 → 12, 1.5 → 10, 0 → 8.
    expect(block[2]).toBe(0 | (12 << 4));
    expect(block[3]).toBe(10 | (8 << 4));
  });
});
