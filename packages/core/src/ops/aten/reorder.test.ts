import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { reorderOperators } from './reorder.js';
import { topkOperators } from './topk.js';

const registry = createOperatorRegistry([...reorderOperators(), ...topkOperators()]);

function runAll(key: string, ...args: RuntimeValue[]): Tensor[] {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args)) as Tensor[];
}

const f32 = (values: number[], shape = [values.length]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));
const grid = () => f32(Array.from({ length: 12 }, (_, i) => i), [3, 4]);

// Expected values computed with torch 2.13.
describe('flip, roll and topk', () => {
  it('flip reverses the listed dims', () => {
    expect([...runAll('aten::flip', grid(), [0, 1])[0]!.data]).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect([...runAll('aten::flip', grid(), [-1])[0]!.data]).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
  });

  it('roll shifts cyclically along dims, or over the flattened tensor', () => {
    expect([...runAll('aten::roll', grid(), [1], [0])[0]!.data]).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...runAll('aten::roll', grid(), [-1, 2], [0, 1])[0]!.data]).toEqual([6, 7, 4, 5, 10, 11, 8, 9, 2, 3, 0, 1]);
    expect([...runAll('aten::roll', grid(), [5], [])[0]!.data]).toEqual([7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6]);
  });

  it('topk sorts, ranks NaN highest and returns int64 indices', () => {
    const [values, indices] = runAll('aten::topk', f32([1, 5, 3, 5, Number.NaN, 0, 2, -1], [2, 4]), 2, -1, true, true);
    expect([...values!.data]).toEqual([5, 5, Number.NaN, 2]);
    expect([...indices!.data]).toEqual([1n, 3n, 0n, 2n]);
    const [smallest, where] = runAll('aten::topk', f32([1, 6, 3, 5, 4, 0, 2, -1], [2, 4]), 3, 1, false, true);
    expect([...smallest!.data]).toEqual([1, 3, 5, -1, 0, 2]);
    expect([...where!.data]).toEqual([0n, 2n, 3n, 3n, 1n, 2n]);
    const [columns, rows] = runAll('aten::topk', f32([1, 5, 3, 0, 2, 7], [3, 2]), 1, 0, true, true);
    expect([...columns!.data]).toEqual([3, 7]);
    expect([...rows!.data]).toEqual([1n, 2n]);
    expect(() => runAll('aten::topk', grid(), 5, -1, true, true)).toThrow(/k 5 is out of range/);
  });
});
