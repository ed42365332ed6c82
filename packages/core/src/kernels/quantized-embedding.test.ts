import { describe, expect, it } from 'vitest';
import { ScalarType } from '../scalar-type.js';
import { EXECUTORCH_DEQUANTIZE } from './quantize.js';
import { packEmbeddingTable, quantizedEmbeddingLookup } from './quantized-embedding.js';
import { Tensor } from './tensor.js';

// Values and packed bytes: exir/passes/_quant_patterns_and_replacements.py `_pack_embedding_weight`,
// run with torch 2.13 on V4[r][i] = ((8r + i)·5 mod 16) − 8 and V2[r][i] = ((8r + i)·3 mod 4) − 2.
const V4 = [-8, -3, 2, 7, -4, 1, 6, -5, 0, 5, -6, -1, 4, -7, -2, 3];
const P4 = [5, 175, 73, 227, 141, 39, 193, 107];
const V2 = [-2, 1, 0, -1, -2, 1, 0, -1, -2, 1, 0, -1, -2, 1, 0, -1];
const P2 = [108, 108, 108, 108];

describe('packEmbeddingTable', () => {
  it("packs 4-bit and 2-bit values exactly like ExecuTorch's _pack_embedding_weight", () => {
    const packed4 = packEmbeddingTable(Tensor.fromArray(ScalarType.CHAR, [2, 8], Int8Array.from(V4)), 4);
    expect(packed4.dtype).toBe(ScalarType.BYTE);
    expect(packed4.shape).toEqual([2, 4]);
    expect(Array.from(packed4.data as Uint8Array)).toEqual(P4);
    const packed2 = packEmbeddingTable(Tensor.fromArray(ScalarType.CHAR, [2, 8], Int8Array.from(V2)), 2);
    expect(packed2.shape).toEqual([2, 2]);
    expect(Array.from(packed2.data as Uint8Array)).toEqual(P2);
  });

  it('round-trips through the lookup with unit scales', () => {
    const packed = Tensor.fromArray(ScalarType.BYTE, [2, 4], Uint8Array.from(P4));
    const out = Tensor.zeros(ScalarType.FLOAT, [2, 8]);
    const scales = Tensor.fromArray(ScalarType.FLOAT, [2], Float32Array.of(1, 1));
    quantizedEmbeddingLookup({ weight: packed, bits: 4, scales, zeroPoints: null, indices: Tensor.fromArray(ScalarType.LONG, [2], BigInt64Array.of(0n, 1n)) }, EXECUTORCH_DEQUANTIZE, out);
    expect(Array.from(out.data as Float32Array)).toEqual(V4);
  });

  it('rejects out-of-range values and rows that do not pack evenly', () => {
    expect(() => packEmbeddingTable(Tensor.fromArray(ScalarType.CHAR, [1, 2], Int8Array.of(8, 0)), 4)).toThrow(/element 0 \(8\) is outside the 4-bit range/);
    expect(() => packEmbeddingTable(Tensor.fromArray(ScalarType.CHAR, [1, 2], Int8Array.of(1, 0)), 2)).toThrow(/multiple of 4/);
  });
});
