/**
 * Comparisons (eq, ne, lt, le, gt, ge against a tensor or a Scalar) and logical and/or/xor. Both
 * operands are compared in their promoted dtype, as torch does (a float Scalar against a float32
 * tensor is rounded to float32 first); results are bool tensors.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapBinary } from '../../kernels/broadcast.js';
import { readNumbers } from '../../kernels/access.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastOf, computeDtype, scalarTensor, tensorScalarOperands, tensorTensorOperands } from './operands.js';

type Predicate = (x: number, y: number) => boolean;

const COMPARISONS: [string, Predicate][] = [
  ['eq', (x, y) => x === y],
  ['ne', (x, y) => x !== y],
  ['lt', (x, y) => x < y],
  ['le', (x, y) => x <= y],
  ['gt', (x, y) => x > y],
  ['ge', (x, y) => x >= y],
];

const LOGICAL: [string, Predicate][] = [
  ['logical_and', (x, y) => x !== 0 && y !== 0],
  ['logical_or', (x, y) => x !== 0 || y !== 0],
  ['logical_xor', (x, y) => (x !== 0) !== (y !== 0)],
];

function boolMeta(meta: TensorMeta): TensorMeta[] {
  return [tensorMeta(ScalarType.BOOL, meta.shape)];
}

function compare(self: Tensor, other: Tensor, out: Tensor, predicate: Predicate): void {
  mapBinary(self, other, out, (x, y) => (predicate(x, y) ? 1 : 0));
}

/** A tensor as torch compares it in float32: integer values are rounded to float32 first. */
function comparable(tensor: Tensor, dtype: ScalarType): Tensor {
  if (dtype !== ScalarType.FLOAT || tensor.dtype === ScalarType.FLOAT || tensor.dtype === ScalarType.HALF || tensor.dtype === ScalarType.BFLOAT16) return tensor;
  return Tensor.fromArray(ScalarType.FLOAT, tensor.shape, Float32Array.from(readNumbers(tensor)));
}

function tensorCompute(predicate: Predicate) {
  return (args: RuntimeArgs, [out]: Tensor[]) => {
    const self = args.tensor('self');
    const other = args.tensor('other');
    const dtype = computeDtype(self, other);
    compare(comparable(self, dtype), comparable(other, dtype), out!, predicate);
  };
}

function scalarCompute(predicate: Predicate) {
  return (args: RuntimeArgs, [out]: Tensor[]) => {
    const self = args.tensor('self');
    const raw = args.value('other');
    const value = args.float('other');
    const dtype = computeDtype(self, { scalar: typeof raw === 'boolean' ? raw : value });
    compare(comparable(self, dtype), scalarTensor(value, dtype), out!, predicate);
  };
}

function logicalMeta(args: MetaArgs): TensorMeta[] {
  return [tensorMeta(ScalarType.BOOL, broadcastOf(args, [args.tensor('self'), args.tensor('other')]))];
}

/** eq/ne/lt/le/gt/ge (`.Tensor`, `.Scalar` and their outs) and logical_and/or/xor. */
export function comparisonOperators(): OperatorDefinition[] {
  return [
    ...COMPARISONS.flatMap(([name, predicate]) => [
      ...defineOperator({
        functional: `aten::${name}.Tensor(Tensor self, Tensor other) -> Tensor`,
        out: `aten::${name}.Tensor_out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)`,
        infer: (args) => boolMeta(tensorTensorOperands(args)),
        compute: tensorCompute(predicate),
      }),
      ...defineOperator({
        functional: `aten::${name}.Scalar(Tensor self, Scalar other) -> Tensor`,
        out: `aten::${name}.Scalar_out(Tensor self, Scalar other, *, Tensor(a!) out) -> Tensor(a!)`,
        infer: (args) => boolMeta(tensorScalarOperands(args)),
        compute: scalarCompute(predicate),
      }),
    ]),
    ...LOGICAL.flatMap(([name, predicate]) =>
      defineOperator({
        functional: `aten::${name}(Tensor self, Tensor other) -> Tensor`,
        out: `aten::${name}.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)`,
        infer: logicalMeta,
        compute: (args, [out]) => compare(args.tensor('self'), args.tensor('other'), out!, predicate),
      }),
    ),
  ];
}
