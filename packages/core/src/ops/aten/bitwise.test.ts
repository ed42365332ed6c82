import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { bitwiseOperators } from './bitwise.js';

const registry = createOperatorRegistry(bitwiseOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const i64 = (values: number[]) => Tensor.fromArray(ScalarType.LONG, [values.length], BigInt64Array.from(values.map(BigInt)));
const bool = (values: boolean[]) => Tensor.fromArray(ScalarType.BOOL, [values.length], Uint8Array.from(values.map(Number)));

describe('bitwise operators', () => {
  it('combine int64 values beyond 32 bits and negative values (two’s complement)', () => {
    expect([...run('aten::bitwise_and.Tensor', i64([2 ** 40 + 5, -1]), i64([2 ** 40 + 3, 6])).data]).toEqual([2n ** 40n + 1n, 6n]);
    expect([...run('aten::bitwise_or.Scalar', i64([8, -16]), 3).data]).toEqual([11n, -13n]);
    expect([...run('aten::bitwise_xor.Tensor', i64([5]), i64([3])).data]).toEqual([6n]);
  });

  it('work on bools and reject floats', () => {
    expect([...run('aten::bitwise_and.Tensor', bool([true, true, false]), bool([true, false, false])).data]).toEqual([1, 0, 0]);
    const floats = Tensor.fromArray(ScalarType.FLOAT, [1], Float32Array.of(1));
    expect(() => run('aten::bitwise_or.Tensor', floats, floats)).toThrow(/needs integer or bool tensors/);
  });
});
