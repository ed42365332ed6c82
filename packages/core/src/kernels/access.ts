/**
 * Element access independent of dtype. Kernels take a fast path on float32 and fall back to these
 * for everything else: int64 goes through BigInt conversion, half and bfloat16 through bit
 * conversion, so a kernel written once in terms of numbers works for every dtype.
 */

import { ScalarType } from '../scalar-type.js';
import type { Tensor, TypedArray } from './tensor.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bfloat16ToFloat(bits: number): number {
  u32[0] = bits << 16;
  return f32[0]!;
}

/** Round-to-nearest-even, as torch converts float32 to bfloat16. */
export function floatToBfloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff; // NaN stays NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Decodes IEEE half-precision bits arithmetically (used to fill the lookup table). */
function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** All 65536 half values as float32, built on first use (float16 models convert every weight). */
let halfTable: Float32Array | undefined;

function halfValues(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) halfTable[bits] = decodeHalf(bits);
  }
  return halfTable;
}

export function halfToFloat(bits: number): number {
  return halfValues()[bits & 0xffff]!;
}

export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mantissa >> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** The tensor's elements as JS numbers (a view when possible, a converted copy otherwise). */
export function readNumbers(t: Tensor): ArrayLike<number> {
  const data = t.data;
  switch (t.dtype) {
    case ScalarType.LONG:
    case ScalarType.UINT64: {
      const src = data as BigInt64Array | BigUint64Array;
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
      return out;
    }
    case ScalarType.HALF: {
      const src = data as Uint16Array;
      const table = halfValues();
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
      return out;
    }
    case ScalarType.BFLOAT16: {
      const src = data as Uint16Array;
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = bfloat16ToFloat(src[i]!);
      return out;
    }
    default:
      return data as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
  }
}

/** Converts a JS number to what the dtype stores (truncating toward zero for integers). */
export function storeValue(dtype: ScalarType, value: number): number | bigint {
  switch (dtype) {
    case ScalarType.LONG:
    case ScalarType.UINT64:
      return BigInt(Number.isFinite(value) ? Math.trunc(value) : 0);
    case ScalarType.BOOL:
      return value ? 1 : 0;
    case ScalarType.HALF:
      return floatToHalf(value);
    case ScalarType.BFLOAT16:
      return floatToBfloat16(value);
    default:
      return value;
  }
}

/** Writes JS numbers into a tensor of any dtype. */
export function writeNumbers(out: Tensor, values: ArrayLike<number>): void {
  const data = out.data;
  const n = data.length;
  switch (out.dtype) {
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      (data as Float32Array | Float64Array).set(values as ArrayLike<number>);
      return;
    case ScalarType.LONG:
    case ScalarType.UINT64: {
      const dst = data as BigInt64Array;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        dst[i] = BigInt(Number.isFinite(v) ? Math.trunc(v) : 0);
      }
      return;
    }
    case ScalarType.BOOL: {
      const dst = data as Uint8Array;
      for (let i = 0; i < n; i++) dst[i] = values[i] ? 1 : 0;
      return;
    }
    case ScalarType.HALF: {
      const dst = data as Uint16Array;
      for (let i = 0; i < n; i++) dst[i] = floatToHalf(values[i]!);
      return;
    }
    case ScalarType.BFLOAT16: {
      const dst = data as Uint16Array;
      for (let i = 0; i < n; i++) dst[i] = floatToBfloat16(values[i]!);
      return;
    }
    default: {
      const dst = data as Int32Array;
      for (let i = 0; i < n; i++) dst[i] = Math.trunc(values[i]!);
    }
  }
}

/** A single element as a number. */
export function readScalar(t: Tensor, index = 0): number {
  const v = t.data[index];
  if (v === undefined) throw new RangeError(`index ${index} out of range for ${t.data.length} elements`);
  if (typeof v === 'bigint') return Number(v);
  if (t.dtype === ScalarType.HALF) return halfToFloat(v);
  if (t.dtype === ScalarType.BFLOAT16) return bfloat16ToFloat(v);
  return v;
}

/** Whether the dtype's values are stored as integers (results must be truncated). */
export function storesIntegers(dtype: ScalarType): boolean {
  return !(dtype === ScalarType.FLOAT || dtype === ScalarType.DOUBLE || dtype === ScalarType.HALF || dtype === ScalarType.BFLOAT16);
}
