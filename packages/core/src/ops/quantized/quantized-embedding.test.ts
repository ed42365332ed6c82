import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { quantizedEmbeddingOperators } from './quantized-embedding.js';

const registry = createOperatorRegistry(quantizedEmbeddingOperators());
const Q = 'quantized_decomposed::';

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(`${Q}${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const floats = (t: Tensor) => Array.from(t.data as Float32Array);
const longs = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.LONG, shape, BigInt64Array.from(values.map(BigInt)));

// W[r][i] = (i·7 mod 23) − 11 for i = 6r … 6r+5; expected values from the functional definitions in
// exir/passes/_quant_patterns_and_replacements.py (dequantize_per_channel_group + aten.embedding), torch 2.13.
const table = () => Tensor.fromArray(ScalarType.CHAR, [3, 6], Int8Array.of(-11, -4, 3, 10, -6, 1, 8, -8, -1, 6, -10, -3, 4, 11, -5, 2, 9, -7));
const groupScales = () => Tensor.fromArray(ScalarType.FLOAT, [3, 2], Float32Array.of(0.5, 0.25, 0.1, 0.2, 1.5, 0.75));
const groupZeroPoints = () => Tensor.fromArray(ScalarType.FLOAT, [3, 2], Float32Array.of(1, -2, 0, 3, -1, 0.5));
const BYTE_GROUPS = [
  7.5, 18.0, -6.0, 1.125, 6.375, -5.625, -6.0, -2.5, 1.0, 3.0, -1.0, 0.75, 0.800000011920929, -0.800000011920929, -0.10000000149011612, 0.6000000238418579,
  -2.6000001430511475, -1.2000000476837158, 7.5, 18.0, -6.0, 1.125, 6.375, -5.625,
];

describe('quantized_decomposed::embedding_byte', () => {
  it('gathers and dequantizes rows with per-group scales and zero points', () => {
    const indices = longs([2, 2], [2, 0, 1, 2]);
    const out = run('embedding_byte', table(), groupScales(), groupZeroPoints(), -128, 127, indices);
    expect(out.shape).toEqual([2, 2, 6]);
    expect(floats(out)).toEqual(BYTE_GROUPS);
    // ExecuTorch computes (float(q) - float(zp)) * float(scale) in float32: the same numbers here
    const buffer = new Tensor(ScalarType.FLOAT, [0], new ArrayBuffer(4 * 24), 0, 4 * 24);
    run('embedding_byte.out', table(), groupScales(), groupZeroPoints(), -128, 127, indices, buffer);
    expect(buffer.shape).toEqual([2, 2, 6]);
    expect(floats(buffer)).toEqual(BYTE_GROUPS);
  });

  it('rounds through the half scales in PyTorch but not in ExecuTorch when converting to float32', () => {
    const halfScales = Tensor.zeros(ScalarType.HALF, [3]);
    (halfScales.data as Uint16Array).set([0x2e66, 0x3266, 0x34cd]); // torch.tensor([0.1, 0.2, 0.3], dtype=torch.float16)
    const indices = longs([2], [0, 2]);
    // torch: embedding_byte(W, scales_f16, None, -128, 127, [0, 2]).view(torch.int16)
    const half = run('embedding_byte', table(), halfScales, null, -128, 127, indices);
    expect(half.dtype).toBe(ScalarType.HALF);
    expect(Array.from(new Int16Array((half.data as Uint16Array).buffer))).toEqual([-17306, -18842, 13516, 15360, -18228, 11878, 15565, 17050, -16896, 14541, 16743, -16333]);
    // torch: embedding_byte.dtype(..., dtype=torch.float32): the product is rounded to half first
    const widened = run('embedding_byte.dtype', table(), halfScales, null, -128, 127, indices, ScalarType.FLOAT);
    expect(floats(widened)).toEqual([-1.099609375, -0.39990234375, 0.2998046875, 1.0, -0.599609375, 0.0999755859375, 1.2001953125, 3.30078125, -1.5, 0.60009765625, 2.701171875, -2.099609375]);
    // ExecuTorch dtype_out: q · (float)scale in float32, e.g. −11 · 0.0999755859375 = −1.0997314453125 (exact)
    const out = run('embedding_byte.dtype_out', table(), halfScales, null, -128, 127, indices, ScalarType.FLOAT, Tensor.zeros(ScalarType.FLOAT, [2, 6]));
    expect(floats(out)[0]).toBe(-1.0997314453125);
    expect(() => run('embedding_byte.out', table(), halfScales, null, -128, 127, indices, Tensor.zeros(ScalarType.FLOAT, [2, 6]))).toThrow(/weight_scales \(HALF\) must have the out dtype FLOAT/);
  });

  it('infers [...indices.shape, dim] symbolically and fails on out-of-range indices', () => {
    const builder = new GraphBuilder(registry);
    const weight = builder.placeholder('w', GraphBuilder.tensor(ScalarType.CHAR, [512, 64]));
    const scales = builder.placeholder('s', GraphBuilder.tensor(ScalarType.FLOAT, [512]));
    const ids = builder.placeholder('ids', GraphBuilder.tensor(ScalarType.LONG, [1, sym('s')]));
    const out = builder.op(`${Q}embedding_byte.dtype`, weight, scales, null, -128, 127, ids, ScalarType.HALF);
    expect(builder.meta(out)).toEqual({ kind: 'tensor', dtype: ScalarType.HALF, shape: [1, sym('s'), 64] });
    expect(() => run('embedding_byte', table(), groupScales(), null, -128, 127, longs([1], [3]))).toThrow(/index 3 out of range for an embedding table of 3 rows/);
  });
});

describe('quantized_decomposed::embedding_4bit and embedding_2bit', () => {
  // Packed with _pack_embedding_weight from V4[r][i] = ((8r + i)·5 mod 16) − 8 and V2[r][i] = ((8r + i)·3 mod 4) − 2.
  const packed4 = () => Tensor.fromArray(ScalarType.BYTE, [2, 4], Uint8Array.of(5, 175, 73, 227, 141, 39, 193, 107));
  const scales4 = () => Tensor.fromArray(ScalarType.FLOAT, [2, 2], Float32Array.of(0.5, 0.25, 0.125, 1.0));
  // torch: embedding_4bit(P4, scales4, None, -8, 7, [1, 0, 1])
  const EMBEDDING_4BIT = [
    0.0, 0.625, -0.75, -0.125, 4.0, -7.0, -2.0, 3.0, -4.0, -1.5, 1.0, 3.5, -1.0, 0.25, 1.5, -1.25, 0.0, 0.625, -0.75, -0.125, 4.0, -7.0, -2.0, 3.0,
  ];

  it('unpacks 4-bit rows (even element in the high nibble) and dequantizes per group', () => {
    const indices = longs([3], [1, 0, 1]);
    expect(floats(run('embedding_4bit', packed4(), scales4(), null, -8, 7, indices))).toEqual(EMBEDDING_4BIT);
    // dtype is positional in ExecuTorch's embedding_4bit.dtype_out schema
    const out = Tensor.zeros(ScalarType.FLOAT, [3, 8]);
    expect(run('embedding_4bit.dtype_out', packed4(), scales4(), null, -8, 7, indices, ScalarType.FLOAT, out)).toBe(out);
    expect(floats(out)).toEqual(EMBEDDING_4BIT);
    expect(registry.get(`${Q}embedding_4bit.dtype_out`).schema.args.find((a) => a.name === 'dtype')!.kwargOnly).toBe(false);
  });

  it('unpacks 2-bit rows (element j of a byte in bits 2j, 2j+1)', () => {
    const packed = Tensor.fromArray(ScalarType.BYTE, [2, 2], Uint8Array.of(108, 108, 108, 108));
    const scales = Tensor.fromArray(ScalarType.FLOAT, [2], Float32Array.of(0.5, 2.0));
    // torch: embedding_2bit(P2, [0.5, 2.0], None, -2, 1, [1, 0])
    expect(floats(run('embedding_2bit', packed, scales, null, -2, 1, longs([2], [1, 0])))).toEqual([
      -4.0, 2.0, 0.0, -2.0, -4.0, 2.0, 0.0, -2.0, -1.0, 0.5, 0.0, -0.5, -1.0, 0.5, 0.0, -0.5,
    ]);
  });

  it('insists on the fixed 4-bit range and uint8 tables', () => {
    expect(() => run('embedding_4bit', packed4(), scales4(), null, -7, 7, longs([1], [0]))).toThrow(/4-bit embeddings expect weight_quant_min -8 and weight_quant_max 7/);
    const signed = Tensor.fromArray(ScalarType.CHAR, [2, 4], Int8Array.of(5, 1, 2, 3, 4, 5, 6, 7));
    expect(() => run('embedding_4bit', signed, scales4(), null, -8, 7, longs([1], [0]))).toThrow(/weight must be BYTE, got CHAR/);
  });
});
