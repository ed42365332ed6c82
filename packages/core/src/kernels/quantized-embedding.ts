/**
 * Quantized embedding tables: packing 2- and 4-bit values into bytes the way ExecuTorch stores
 * them (`exir/passes/_quant_patterns_and_replacements.py` `_pack_embedding_weight`: 4-bit values
 * + 8, element 2k in the high nibble of byte k; 2-bit values + 2, element 4k+j in bits 2j…2j+1),
 * and the lookup behind `quantized_decomposed::embedding_{byte,4bit,2bit}`: gather the rows of
 * `indices` and dequantize them with per-row or per-group scales (and optional zero points).
 */

import { InvalidArgumentError } from '../errors.js';
import { ScalarType, scalarTypeName } from '../scalar-type.js';
import { readScalar, writeNumbers } from './access.js';
import type { DequantizeArithmetic } from './quantize.js';
import { Tensor } from './tensor.js';

/** Values per byte of a packed table (1 for 8-bit tables). */
export function valuesPerByte(bits: 2 | 4 | 8): number {
  return 8 / bits;
}

/** Packs signed `bits`-bit values (int8 [rows, columns], in range) into a uint8 [rows, columns·bits/8] table. */
export function packEmbeddingTable(values: Tensor, bits: 2 | 4): Tensor {
  if (values.dtype !== ScalarType.CHAR || values.rank !== 2) {
    throw new InvalidArgumentError('values', `must be a 2-D int8 tensor, got ${scalarTypeName(values.dtype)} [${values.shape.join(', ')}]`);
  }
  const perByte = valuesPerByte(bits);
  const [rows, columns] = values.shape as [number, number];
  if (columns % perByte !== 0) throw new InvalidArgumentError('values', `row length ${columns} must be a multiple of ${perByte} for ${bits}-bit packing`);
  const offset = 2 ** (bits - 1);
  const source = values.data as Int8Array;
  const packed = new Uint8Array((rows * columns) / perByte);
  for (let i = 0; i < source.length; i++) {
    const shifted = source[i]! + offset;
    if (shifted < 0 || shifted >= 2 ** bits) throw new InvalidArgumentError('values', `element ${i} (${source[i]}) is outside the ${bits}-bit range`);
    const byte = Math.floor(i / perByte);
    const position = i % perByte;
    packed[byte]! |= bits === 4 ? shifted << (position === 0 ? 4 : 0) : shifted << (2 * position);
  }
  return Tensor.fromArray(ScalarType.BYTE, [rows, columns / perByte], packed);
}

/** The signed value at `index` of a row of a packed table (`weight_value` in `embeddingxb.cpp`). */
function packedValue(row: Uint8Array | Int8Array, base: number, index: number, bits: 2 | 4 | 8): number {
  if (bits === 8) return row[base + index]!;
  if (bits === 4) {
    const byte = row[base + (index >> 1)]!;
    return (index & 1 ? byte & 0x0f : (byte >> 4) & 0x0f) - 8;
  }
  return ((row[base + (index >> 2)]! >> (2 * (index & 3))) & 3) - 2;
}

/** A quantized embedding table and the indices to look up. */
export interface QuantizedEmbedding {
  /** int8/uint8 [rows, dim] for 8 bits, packed uint8 [rows, dim·bits/8] otherwise. */
  readonly weight: Tensor;
  readonly bits: 2 | 4 | 8;
  /** [rows] or [rows, groups]. */
  readonly scales: Tensor;
  /** Same shape as scales, or null for zero. */
  readonly zeroPoints: Tensor | null;
  readonly indices: Tensor;
}

/**
 * Writes the dequantized rows `indices` of the table into `out` ([...indices.shape, dim]), each
 * element `(q − zero_point) · scale` with the reference's arithmetic. Only the looked-up rows'
 * scales and zero points are read, once per group, and every index is checked before anything
 * is written: a decode step looks up one row of a table with tens of thousands.
 */
export function quantizedEmbeddingLookup(table: QuantizedEmbedding, arithmetic: DequantizeArithmetic, out: Tensor): void {
  const { weight, bits, scales, zeroPoints, indices } = table;
  const rows = weight.shape[0]!;
  const stride = weight.shape[1]!;
  const dim = stride * valuesPerByte(bits);
  const groups = scales.rank === 2 ? scales.shape[1]! : 1;
  const groupSize = dim / groups;
  const count = indices.numel;
  for (let i = 0; i < count; i++) {
    const index = readScalar(indices, i);
    if (!(index >= 0 && index < rows)) throw new InvalidArgumentError('indices', `index ${index} out of range for an embedding table of ${rows} rows`);
  }
  const data = weight.data as Uint8Array | Int8Array;
  const result = out.dtype === ScalarType.FLOAT ? (out.data as Float32Array) : new Float64Array(count * dim);
  const { difference, product } = arithmetic;
  for (let i = 0; i < count; i++) {
    const index = readScalar(indices, i);
    const base = index * stride;
    for (let group = 0; group < groups; group++) {
      const parameter = index * groups + group;
      const scale = arithmetic.scale(readScalar(scales, parameter));
      const zeroPoint = zeroPoints ? readScalar(zeroPoints, parameter) : 0;
      const start = group * groupSize;
      const end = start + groupSize;
      for (let j = start; j < end; j++) result[i * dim + j] = product(difference(packedValue(data, base, j, bits) - zeroPoint) * scale);
    }
  }
  if (result !== out.data) writeNumbers(out, result);
}
