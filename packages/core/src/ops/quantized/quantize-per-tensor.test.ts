import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { perTensorOperators } from './quantize-per-tensor.js';

const registry = createOperatorRegistry(perTensorOperators());
const Q = 'quantized_decomposed::';

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(`${Q}${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const float = (values: number[]) => Tensor.fromArray(ScalarType.FLOAT, [values.length], Float32Array.from(values));
const ints = (t: Tensor) => Array.from(t.data as Int8Array | Uint8Array);
const inputs = [0.5, 1.5, 2.5, -0.5, -2.5, 3.49, 1000, -1000];

// Expected values: torch.ops.quantized_decomposed.* (torch 2.13) on the same inputs.
describe('quantized_decomposed::quantize_per_tensor', () => {
  it('rounds ties to even and clamps to [quant_min, quant_max]', () => {
    expect(ints(run('quantize_per_tensor', float(inputs), 1.0, 0, -128, 127, ScalarType.CHAR))).toEqual([0, 2, 2, 0, -2, 3, 127, -128]);
    expect(ints(run('quantize_per_tensor', float(inputs), 0.5, 3, 0, 255, ScalarType.BYTE))).toEqual([4, 6, 8, 2, 0, 10, 255, 0]);
    // the zero point is added after rounding: round(0.5) + 1 = 1, round(1.5) + 1 = 3
    expect(ints(run('quantize_per_tensor', float([0.5, 1.5, 2.5, -0.5]), 1.0, 1, -128, 127, ScalarType.CHAR))).toEqual([1, 3, 3, 1]);
  });

  it('resizes the out tensor in the out variant and checks its dtype', () => {
    const out = new Tensor(ScalarType.CHAR, [0], new ArrayBuffer(16), 0, 16);
    expect(run('quantize_per_tensor.out', float(inputs), 1.0, 0, -128, 127, ScalarType.CHAR, out)).toBe(out);
    expect(out.shape).toEqual([8]);
    expect(ints(out)).toEqual([0, 2, 2, 0, -2, 3, 127, -128]);
    expect(() => run('quantize_per_tensor.out', float(inputs), 1.0, 0, -128, 127, ScalarType.CHAR, Tensor.zeros(ScalarType.BYTE, [8]))).toThrow(/out dtype BYTE does not match dtype/);
  });

  it('reads one-element scale and zero point tensors (.tensor / .Tensor_out)', () => {
    const scale = Tensor.fromArray(ScalarType.DOUBLE, [1], Float64Array.of(0.5));
    const zeroPoint = Tensor.scalarLong(3);
    expect(ints(run('quantize_per_tensor.tensor', float(inputs), scale, zeroPoint, 0, 255, ScalarType.BYTE))).toEqual([4, 6, 8, 2, 0, 10, 255, 0]);
    expect(ints(run('quantize_per_tensor.Tensor_out', float(inputs), scale, zeroPoint, 0, 255, ScalarType.BYTE, Tensor.zeros(ScalarType.BYTE, [8])))).toEqual([4, 6, 8, 2, 0, 10, 255, 0]);
    const floatScale = Tensor.fromArray(ScalarType.FLOAT, [1], Float32Array.of(0.5));
    expect(() => run('quantize_per_tensor.Tensor_out', float(inputs), floatScale, zeroPoint, 0, 255, ScalarType.BYTE, Tensor.zeros(ScalarType.BYTE, [8]))).toThrow(/float64 tensor/);
  });

  it('infers symbolic shapes and rejects ranges outside the dtype', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s'), 4]));
    const q = builder.op(`${Q}quantize_per_tensor`, x, 0.1, 0, -128, 127, ScalarType.CHAR);
    expect(builder.meta(q)).toEqual({ kind: 'tensor', dtype: ScalarType.CHAR, shape: [sym('s'), 4] });
    expect(() => builder.op(`${Q}quantize_per_tensor`, x, 0.1, 0, -129, 127, ScalarType.CHAR)).toThrow(/\[-129, 127\] is outside the range of CHAR/);
    expect(() => builder.op(`${Q}quantize_per_tensor`, x, 0.1, 0, 0, 15, ScalarType.FLOAT)).toThrow(/unsupported quantized dtype FLOAT/);
  });
});

describe('quantized_decomposed::dequantize_per_tensor', () => {
  const q = () => Tensor.fromArray(ScalarType.CHAR, [5], Int8Array.of(-128, -1, 0, 5, 127));
  // dequantize_per_tensor(q, 0.1, 3, -128, 127, torch.int8)
  const expected = [-13.100000381469727, -0.4000000059604645, -0.30000001192092896, 0.20000000298023224, 12.40000057220459];

  it('computes (q - zero_point) * scale in float32, or in the out dtype', () => {
    expect(Array.from(run('dequantize_per_tensor', q(), 0.1, 3, -128, 127, ScalarType.CHAR, null).data as Float32Array)).toEqual(expected);
    const half = run('dequantize_per_tensor', q(), 0.1, 3, -128, 127, ScalarType.CHAR, ScalarType.HALF);
    expect(half.dtype).toBe(ScalarType.HALF);
    // ....(out_dtype=torch.float16).view(torch.int16)
    expect(Array.from(new Int16Array((half.data as Uint16Array).buffer))).toEqual([-13683, -18842, -19251, 12902, 18995]);
  });

  it('agrees in the out variants ((q - zp) * (float)scale in float32 in ExecuTorch)', () => {
    const out = Tensor.zeros(ScalarType.FLOAT, [5]);
    expect(Array.from(run('dequantize_per_tensor.out', q(), 0.1, 3, -128, 127, ScalarType.CHAR, null, out).data as Float32Array)).toEqual(expected);
    const scale = Tensor.fromArray(ScalarType.DOUBLE, [1], Float64Array.of(0.1));
    const tensorOut = run('dequantize_per_tensor.Tensor_out', q(), scale, Tensor.scalarLong(3), -128, 127, ScalarType.CHAR, null, Tensor.zeros(ScalarType.FLOAT, [5]));
    expect(Array.from(tensorOut.data as Float32Array)).toEqual(expected);
  });

  it('rejects an input whose dtype differs from dtype', () => {
    expect(() => run('dequantize_per_tensor', q(), 0.1, 3, 0, 255, ScalarType.BYTE, null)).toThrow(/input dtype CHAR does not match dtype/);
  });
});
