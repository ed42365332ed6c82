/**
 * What the operator tests share: a runner that evaluates operators by key on concrete values,
 * and small tensor constructors. Test support only; nothing in the library imports it.
 */

import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';

/** Evaluates the given operators by key (`aten::add.out`), as the evaluator and runtime do. */
export function operatorRunner(definitions: readonly OperatorDefinition[]) {
  const registry = createOperatorRegistry(definitions);
  const runAll = (key: string, ...args: RuntimeValue[]): RuntimeValue[] => {
    const definition = registry.get(key);
    return definition.evaluate(new RuntimeArgs(definition.schema, args));
  };
  /** The first result, as a tensor. */
  const run = (key: string, ...args: RuntimeValue[]): Tensor => runAll(key, ...args)[0] as Tensor;
  return { registry, run, runAll };
}

export const f32 = (values: number[], shape = [values.length]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));
export const i64 = (values: number[], shape = [values.length]) => Tensor.fromArray(ScalarType.LONG, shape, BigInt64Array.from(values.map(BigInt)));
export const bool = (values: boolean[], shape = [values.length]) => Tensor.fromArray(ScalarType.BOOL, shape, Uint8Array.from(values.map(Number)));
/** 0, 1, 2, … as float32 in the given shape. */
export const range = (count: number, shape: number[]) => f32(Array.from({ length: count }, (_, i) => i), shape);
