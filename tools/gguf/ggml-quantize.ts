/**
 * llama.cpp's reference row quantizers (`quantize_row_q8_0_ref`, `quantize_row_q4_0_ref` in
 * ggml-quants.c) and IEEE half-precision rounding, so GGUF files we write hold exactly what
 * llama.cpp's own quantizer would produce from the same float32 weights.
 */

const fround = Math.fround;

/** Elements per Q8_0 / Q4_0 block. */
export const GGML_BLOCK_SIZE = 32;
/** Bytes of one Q8_0 block: float16 scale + 32 int8. */
export const Q8_0_BLOCK_BYTES = 34;
/** Bytes of one Q4_0 block: float16 scale + 16 bytes of nibbles. */
export const Q4_0_BLOCK_BYTES = 18;

const conversion = new DataView(new ArrayBuffer(4));

/** Float32 → IEEE binary16 bits, rounding to nearest even (as F16C's `vcvtps2ph`). */
export function float32ToFloat16Bits(value: number): number {
  conversion.setFloat32(0, value);
  const bits = conversion.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    let half = full >>> shift;
    const remainder = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** IEEE binary16 bits → number. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** C's `roundf`: halves away from zero. */
function roundAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** Quantizes `row` (length a multiple of 32) to Q8_0 blocks. */
export function quantizeRowQ8_0(row: Float32Array): Uint8Array {
  const blocks = row.length / GGML_BLOCK_SIZE;
  const output = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const view = new DataView(output.buffer);
  for (let block = 0; block < blocks; block++) {
    let amax = 0;
    for (let index = 0; index < GGML_BLOCK_SIZE; index++) amax = Math.max(amax, Math.abs(row[block * GGML_BLOCK_SIZE + index]!));
    const d = fround(amax / 127);
    const id = d ? fround(1 / d) : 0;
    view.setUint16(block * Q8_0_BLOCK_BYTES, float32ToFloat16Bits(d), true);
    for (let index = 0; index < GGML_BLOCK_SIZE; index++) {
      view.setInt8(block * Q8_0_BLOCK_BYTES + 2 + index, roundAwayFromZero(fround(row[block * GGML_BLOCK_SIZE + index]! * id)));
    }
  }
  return output;
}

/** Quantizes `row` (length a multiple of 32) to Q4_0 blocks: byte j holds element j (low nibble) and j + 16 (high). */
export function quantizeRowQ4_0(row: Float32Array): Uint8Array {
  const blocks = row.length / GGML_BLOCK_SIZE;
  const output = new Uint8Array(blocks * Q4_0_BLOCK_BYTES);
  const view = new DataView(output.buffer);
  for (let block = 0; block < blocks; block++) {
    const start = block * GGML_BLOCK_SIZE;
    let amax = 0;
    let max = 0;
    for (let index = 0; index < GGML_BLOCK_SIZE; index++) {
      const value = row[start + index]!;
      if (Math.abs(value) > amax) {
        amax = Math.abs(value);
        max = value;
      }
    }
    const d = fround(max / -8);
    const id = d ? fround(1 / d) : 0;
    view.setUint16(block * Q4_0_BLOCK_BYTES, float32ToFloat16Bits(d), true);
    for (let index = 0; index < 16; index++) {
      const low = Math.min(15, Math.trunc(fround(fround(row[start + index]! * id) + 8.5)));
      const high = Math.min(15, Math.trunc(fround(fround(row[start + 16 + index]! * id) + 8.5)));
      output[block * Q4_0_BLOCK_BYTES + 2 + index] = low | (high << 4);
    }
  }
  return output;
}
