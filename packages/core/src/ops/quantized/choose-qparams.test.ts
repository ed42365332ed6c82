import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { chooseQParamsOperators } from './choose-qparams.js';

const registry = createOperatorRegistry(chooseQParamsOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor[] {
  const def = registry.get(`quantized_decomposed::${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args)) as Tensor[];
}

const input = (values: number[]) => Tensor.fromArray(ScalarType.FLOAT, [values.length], Float32Array.from(values));

describe('quantized_decomposed::choose_qparams', () => {
  it('follows torch.ao determine_qparams (.tensor) and ExecuTorch (.Tensor_out)', () => {
    // torch: choose_qparams.tensor([1.0, 2.5, 3.2, 15.4], 0, 255, 1e-5, torch.uint8) -> (0.06039215624332428, 0)
    const [scale, zeroPoint] = run('choose_qparams.tensor', input([1.0, 2.5, 3.2, 15.4]), 0, 255, 1e-5, ScalarType.BYTE);
    expect(scale!.shape).toEqual([1]);
    expect((scale!.data as Float64Array)[0]).toBe(0.06039215624332428);
    expect((zeroPoint!.data as BigInt64Array)[0]).toBe(0n);
    // ExecuTorch: (double)15.4f / 255 (op_choose_qparams_test.cpp expects 0.0603922, zero point 0)
    const scaleOut = Tensor.zeros(ScalarType.DOUBLE, [1]);
    const zeroPointOut = Tensor.zeros(ScalarType.LONG, [1]);
    run('choose_qparams.Tensor_out', input([1.0, 2.5, 3.2, 15.4]), 0, 255, 1e-5, ScalarType.BYTE, scaleOut, zeroPointOut);
    expect((scaleOut.data as Float64Array)[0]).toBe(0.06039215536678538);
    expect((zeroPointOut.data as BigInt64Array)[0]).toBe(0n);
  });

  it('computes signed zero points', () => {
    // torch: (0.02235294133424759, 15); ExecuTorch (hand-derived): (0.022352941363465554, 15)
    const [scale, zeroPoint] = run('choose_qparams.tensor', input([-1.0, 2.5, -3.2, 0.4]), -128, 127, 1e-5, ScalarType.CHAR);
    expect([(scale!.data as Float64Array)[0], (zeroPoint!.data as BigInt64Array)[0]]).toEqual([0.02235294133424759, 15n]);
    const outs = run('choose_qparams.Tensor_out', input([-1.0, 2.5, -3.2, 0.4]), -128, 127, 1e-5, ScalarType.CHAR, Tensor.zeros(ScalarType.DOUBLE, [1]), Tensor.zeros(ScalarType.LONG, [1]));
    expect([(outs[0]!.data as Float64Array)[0], (outs[1]!.data as BigInt64Array)[0]]).toEqual([0.022352941363465554, 15n]);
  });

  it('rejects empty ranges and non-float inputs', () => {
    expect(() => run('choose_qparams.tensor', input([1]), 5, 5, 1e-5, ScalarType.CHAR)).toThrow(/quant_min 5 must be smaller than quant_max 5/);
    expect(() => run('choose_qparams.tensor', Tensor.zeros(ScalarType.INT, [2]), -128, 127, 1e-5, ScalarType.CHAR)).toThrow(/must be float32, float16 or bfloat16, got INT/);
  });
});
