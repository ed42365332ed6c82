import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { whereOperators } from './where.js';

const registry = createOperatorRegistry(whereOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const f32 = (values: number[], shape = [values.length]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));
const i64 = (values: number[], shape = [values.length]) => Tensor.fromArray(ScalarType.LONG, shape, BigInt64Array.from(values.map(BigInt)));
const bool = (values: boolean[], shape = [values.length]) => Tensor.fromArray(ScalarType.BOOL, shape, Uint8Array.from(values.map(Number)));

// Expected values computed with torch 2.13.

describe('where and masked_fill', () => {
  it('where.self broadcasts condition, self and a 0-dim other', () => {
    const result = run('aten::where.self', bool([true, false, false, true], [2, 2]), f32([1, 2]), Tensor.scalarFloat(-Infinity));
    expect([...result.data]).toEqual([1, -Infinity, -Infinity, 2]);
  });

  it('where.self promotes the dtypes of self and other', () => {
    const result = run('aten::where.self', bool([true, false]), i64([1, 2]), f32([0.5, 0.25]));
    expect(result.dtype).toBe(ScalarType.FLOAT);
    expect([...result.data]).toEqual([1, 0.25]);
    expect(() => run('aten::where.self', f32([1, 0]), f32([1, 2]), f32([3, 4]))).toThrow(/condition must be a bool tensor/);
  });

  it('masked_fill writes the Scalar in the tensor dtype, also in place', () => {
    expect([...run('aten::masked_fill.Scalar', f32([1, 2, 3]), bool([true, false, true]), 0.1).data]).toEqual([0.10000000149011612, 2, 0.10000000149011612]);
    const self = f32([1, 2, 3, 4], [2, 2]);
    run('aten::masked_fill_.Scalar', self, bool([false, true]), -Infinity);
    expect([...self.data]).toEqual([1, -Infinity, 3, -Infinity]);
  });
});
