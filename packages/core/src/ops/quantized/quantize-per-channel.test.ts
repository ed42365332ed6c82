import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { perChannelOperators } from './quantize-per-channel.js';

const registry = createOperatorRegistry(perChannelOperators());
const Q = 'quantized_decomposed::';

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(`${Q}${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const scales = () => Tensor.fromArray(ScalarType.DOUBLE, [3], Float64Array.of(0.1, 0.2, 0.3));
const zeroPoints = () => Tensor.fromArray(ScalarType.LONG, [3], BigInt64Array.of(0n, 1n, -1n));
const matrix = (values: number[]) => Tensor.fromArray(ScalarType.FLOAT, [values.length / 3, 3], Float32Array.from(values));

describe('quantized_decomposed::quantize_per_channel', () => {
  it('follows PyTorch (float64) in the functional form and ExecuTorch (float32) in the out form', () => {
    // float32 inputs just below a .5 tie once multiplied by 1/scale:
    // torch quantize_per_channel(x, scales(float64), zps, 1, -128, 127, int8) -> [3, 4, 4]
    const x = matrix([0.35, 0.7, 1.35]);
    expect(Array.from(run('quantize_per_channel', x, scales(), zeroPoints(), 1, -128, 127, ScalarType.CHAR).data as Int8Array)).toEqual([3, 4, 4]);
    // ExecuTorch's quantize_val: nearbyint((float)(1.0f / (float)scale * x)) + zp -> [4, 5, 3] (hand-derived, float32)
    const out = Tensor.zeros(ScalarType.CHAR, [1, 3]);
    expect(Array.from(run('quantize_per_channel.out', x, scales(), zeroPoints(), 1, -128, 127, ScalarType.CHAR, out).data as Int8Array)).toEqual([4, 5, 3]);
    expect(registry.get(`${Q}quantize_per_channel`).outVariant).toBe(`${Q}quantize_per_channel.out`);
  });

  it('quantizes along the channel axis with per-channel zero points and clamps', () => {
    // torch: quantize_per_channel([[0.05, 0.3, -0.45], [1.25, -0.7, 100]], ...) -> [1, 3, -2, 12, -2, 127]
    const q = run('quantize_per_channel', matrix([0.05, 0.3, -0.45, 1.25, -0.7, 100]), scales(), zeroPoints(), -1, -128, 127, ScalarType.CHAR);
    expect(Array.from(q.data as Int8Array)).toEqual([1, 3, -2, 12, -2, 127]);
  });

  it('checks axis and parameter counts', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, 3]));
    const s = builder.placeholder('s', GraphBuilder.tensor(ScalarType.DOUBLE, [3]));
    const z = builder.placeholder('z', GraphBuilder.tensor(ScalarType.LONG, [3]));
    expect(builder.meta(builder.op(`${Q}quantize_per_channel`, x, s, z, 1, -128, 127, ScalarType.CHAR)).dtype).toBe(ScalarType.CHAR);
    expect(() => builder.op(`${Q}quantize_per_channel`, x, s, z, 0, -128, 127, ScalarType.CHAR)).toThrow(/scales \[3\] must hold one value per channel \(2 along axis 0\)/);
    expect(() => builder.op(`${Q}quantize_per_channel`, x, s, z, 2, -128, 127, ScalarType.CHAR)).toThrow(/axis 2 is out of range/);
    const floatScales = Tensor.fromArray(ScalarType.FLOAT, [3], Float32Array.of(0.1, 0.2, 0.3));
    expect(() => run('quantize_per_channel.out', matrix([1, 2, 3]), floatScales, zeroPoints(), 1, -128, 127, ScalarType.CHAR, Tensor.zeros(ScalarType.CHAR, [1, 3]))).toThrow(
      /float64 scales and int64 zero points/,
    );
  });
});

describe('quantized_decomposed::dequantize_per_channel', () => {
  const q = () => Tensor.fromArray(ScalarType.CHAR, [2, 3], Int8Array.of(1, -2, 3, -128, 127, 0));

  it('computes (q - zp) * scale per channel', () => {
    // torch: dequantize_per_channel(q, scales(float64), zps, 1, -128, 127, int8)
    const expected = [0.10000000149011612, -0.6000000238418579, 1.2000000476837158, -12.800000190734863, 25.200000762939453, 0.30000001192092896];
    expect(Array.from(run('dequantize_per_channel', q(), scales(), zeroPoints(), 1, -128, 127, ScalarType.CHAR, null).data as Float32Array)).toEqual(expected);
    // ExecuTorch's float32 formula gives the same numbers here (hand-derived)
    const out = run('dequantize_per_channel.out', q(), scales(), zeroPoints(), 1, -128, 127, ScalarType.CHAR, null, Tensor.zeros(ScalarType.FLOAT, [2, 3]));
    expect(Array.from(out.data as Float32Array)).toEqual(expected);
  });

  it('handles axis 0, float32 scales and no zero points', () => {
    // torch: dequantize_per_channel(q, tensor([0.1, 0.2], float32), None, 0, -128, 127, int8)
    const rowScales = Tensor.fromArray(ScalarType.FLOAT, [2], Float32Array.of(0.1, 0.2));
    const out = run('dequantize_per_channel', q(), rowScales, null, 0, -128, 127, ScalarType.CHAR, null);
    expect(Array.from(out.data as Float32Array)).toEqual([0.10000000149011612, -0.20000000298023224, 0.30000001192092896, -25.600000381469727, 25.399999618530273, 0]);
  });
});
