/**
 * Matrix products: `mm`, `bmm`, `addmm` (what ExecuTorch's portable library runs), `linear` (the
 * optimized library's `linear.out`, and the mid-level op graph builders emit) and `matmul` (torch's
 * rank-polymorphic product, functional only: it has no portable kernel). Operands must share a
 * floating or integral dtype, as torch requires; the kernels live in `kernels/matmul.ts`.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, dimToString, shapeToString } from '../../ir/sym.js';
import { broadcastIndex } from '../../kernels/broadcast.js';
import { type MatmulEpilogue, matmul, matmulTransposed } from '../../kernels/matmul.js';
import type { Tensor } from '../../kernels/tensor.js';
import { numelOf } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastShapes } from '../shape-rules.js';
import type { Failing } from './dims.js';
import { readFloats, writeFloats } from './float-io.js';

function sameDtype(args: MetaArgs, metas: readonly [string, TensorMeta][]): ScalarType {
  const dtype = metas[0]![1].dtype;
  for (const [name, meta] of metas) {
    if (meta.dtype !== dtype) args.fail(`expected ${metas.map(([n]) => n).join(' and ')} to share a dtype, got ${name} ${scalarTypeName(meta.dtype)} vs ${scalarTypeName(dtype)}`);
  }
  if (dtype === ScalarType.BOOL) args.fail('bool matrices are not supported');
  return dtype;
}

function checkInner(args: Failing, left: Dim, right: Dim, what: string): void {
  if (!dimEquals(left, right)) args.fail(`${what}: inner dims differ (${dimToString(left)} vs ${dimToString(right)})`);
}

function rankIs(args: MetaArgs, name: string, meta: TensorMeta, rank: number): void {
  if (meta.shape.length !== rank) args.fail(`${name} must have rank ${rank}, got ${shapeToString(meta.shape)}`);
}

function mmMeta(args: MetaArgs, first: string, second: string): TensorMeta {
  const a = args.tensor(first);
  const b = args.tensor(second);
  rankIs(args, first, a, 2);
  rankIs(args, second, b, 2);
  checkInner(args, a.shape[1]!, b.shape[0]!, `${shapeToString(a.shape)} @ ${shapeToString(b.shape)}`);
  return tensorMeta(sameDtype(args, [[first, a], [second, b]]), [a.shape[0]!, b.shape[1]!]);
}

function bmmMeta(args: MetaArgs): TensorMeta[] {
  const a = args.tensor('self');
  const b = args.tensor('mat2');
  rankIs(args, 'self', a, 3);
  rankIs(args, 'mat2', b, 3);
  if (!dimEquals(a.shape[0]!, b.shape[0]!)) args.fail(`batch sizes differ: ${shapeToString(a.shape)} vs ${shapeToString(b.shape)}`);
  checkInner(args, a.shape[2]!, b.shape[1]!, `${shapeToString(a.shape)} @ ${shapeToString(b.shape)}`);
  return [tensorMeta(sameDtype(args, [['self', a], ['mat2', b]]), [a.shape[0]!, a.shape[1]!, b.shape[2]!])];
}

function addmmMeta(args: MetaArgs): TensorMeta[] {
  const product = mmMeta(args, 'mat1', 'mat2');
  const bias = args.tensor('self');
  sameDtype(args, [['mat1', product], ['self', bias]]);
  let shape: Dim[];
  try {
    shape = broadcastShapes(bias.shape, product.shape);
  } catch {
    return args.fail(`self ${shapeToString(bias.shape)} does not broadcast to the product ${shapeToString(product.shape)}`);
  }
  if (shape.length !== 2 || !shape.every((d, i) => dimEquals(d, product.shape[i]!))) {
    args.fail(`self ${shapeToString(bias.shape)} does not broadcast to the product ${shapeToString(product.shape)}`);
  }
  return [product];
}

function linearMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  const weight = args.tensor('weight');
  const bias = args.optionalTensor('bias');
  if (input.shape.length < 1) args.fail('input must have rank >= 1');
  if (weight.shape.length !== 2 && weight.shape.length !== 1) args.fail(`weight must have rank 1 or 2, got ${shapeToString(weight.shape)}`);
  const inner = weight.shape[weight.shape.length - 1]!;
  checkInner(args, input.shape[input.shape.length - 1]!, inner, `input ${shapeToString(input.shape)} and weight ${shapeToString(weight.shape)}`);
  const dtype = sameDtype(args, bias ? [['input', input], ['weight', weight], ['bias', bias]] : [['input', input], ['weight', weight]]);
  const shape = [...input.shape.slice(0, -1), ...(weight.shape.length === 2 ? [weight.shape[0]!] : [])];
  if (bias) {
    try {
      if (!broadcastShapes(bias.shape, shape).every((d, i) => dimEquals(d, shape[i]!))) throw new Error();
    } catch {
      args.fail(`bias ${shapeToString(bias.shape)} does not broadcast to the output ${shapeToString(shape)}`);
    }
  }
  return [tensorMeta(dtype, shape)];
}

/** Element offset of the bias for output (row, column), broadcasting `bias` to `[rows, columns]`. */
function biasReader(bias: Tensor, rows: number, columns: number): MatmulEpilogue['biasAt'] {
  const values = readFloats(bias);
  if (bias.numel === 1) return () => values[0]!;
  const index = broadcastIndex(bias.shape, [rows, columns]);
  return (row, column) => values[index[row * columns + column]!]!;
}

function computeMm(args: RuntimeArgs, out: Tensor, epilogue?: MatmulEpilogue, names: [string, string] = ['self', 'mat2']): void {
  const a = args.tensor(names[0]);
  const b = args.tensor(names[1]);
  const [rows, inner] = a.shape as [number, number];
  const columns = b.shape[1]!;
  const x = readFloats(a);
  const y = readFloats(b);
  writeFloats(out, (data) => matmul({ data: x, offset: 0, rowStride: inner }, { data: y, offset: 0, rowStride: columns }, { data, offset: 0, rowStride: columns }, rows, inner, columns, epilogue));
}

function computeBmm(args: RuntimeArgs, [out]: Tensor[]): void {
  const a = args.tensor('self');
  const b = args.tensor('mat2');
  const [batch, rows, inner] = a.shape as [number, number, number];
  const columns = b.shape[2]!;
  const x = readFloats(a);
  const y = readFloats(b);
  writeFloats(out!, (data) => {
    for (let i = 0; i < batch; i++) {
      matmul(
        { data: x, offset: i * rows * inner, rowStride: inner },
        { data: y, offset: i * inner * columns, rowStride: columns },
        { data, offset: i * rows * columns, rowStride: columns },
        rows,
        inner,
        columns,
      );
    }
  });
}

function computeAddmm(args: RuntimeArgs, [out]: Tensor[]): void {
  const rows = args.tensor('mat1').shape[0]!;
  const columns = args.tensor('mat2').shape[1]!;
  const epilogue = { alpha: args.float('alpha'), beta: args.float('beta'), biasAt: biasReader(args.tensor('self'), rows, columns) };
  computeMm(args, out!, epilogue, ['mat1', 'mat2']);
}

function computeLinear(args: RuntimeArgs, [out]: Tensor[]): void {
  const input = args.tensor('input');
  const weight = args.tensor('weight');
  const bias = args.optionalTensor('bias');
  const inner = input.shape[input.rank - 1]!;
  const rows = input.numel / Math.max(inner, 1);
  const columns = weight.rank === 2 ? weight.shape[0]! : 1;
  const x = readFloats(input);
  const w = readFloats(weight);
  const epilogue = bias ? { alpha: 1, beta: 1, biasAt: biasReader(bias, rows, columns) } : undefined;
  writeFloats(out!, (data) =>
    matmulTransposed({ data: x, offset: 0, rowStride: inner }, { data: w, offset: 0, rowStride: inner }, { data, offset: 0, rowStride: columns }, rows, inner, columns, epilogue),
  );
}

interface MatmulPlan {
  /** Output shape torch produces. */
  shape: Dim[];
  /** Batch dims both operands broadcast to. */
  batch: Dim[];
  leftBatch: Dim[];
  rightBatch: Dim[];
}

/** torch.matmul's shape rules: vectors are promoted to matrices and the added dim dropped after. */
function planMatmul(args: Failing, left: readonly Dim[], right: readonly Dim[]): MatmulPlan {
  if (left.length === 0 || right.length === 0) args.fail('both arguments to matmul need at least 1 dimension');
  const a = left.length === 1 ? [1, left[0]!] : [...left];
  const b = right.length === 1 ? [right[0]!, 1] : [...right];
  checkInner(args, a[a.length - 1]!, b[b.length - 2]!, `${shapeToString(left)} @ ${shapeToString(right)}`);
  const leftBatch = a.slice(0, -2);
  const rightBatch = b.slice(0, -2);
  let batch: Dim[];
  try {
    batch = broadcastShapes(leftBatch, rightBatch);
  } catch {
    return args.fail(`batch dims of ${shapeToString(left)} and ${shapeToString(right)} do not broadcast`);
  }
  const shape = [...batch];
  if (left.length > 1) shape.push(a[a.length - 2]!);
  if (right.length > 1) shape.push(b[b.length - 1]!);
  return { shape, batch, leftBatch, rightBatch };
}

function matmulMeta(args: MetaArgs): TensorMeta[] {
  const a = args.tensor('self');
  const b = args.tensor('other');
  const dtype = sameDtype(args, [['self', a], ['other', b]]);
  return [tensorMeta(dtype, planMatmul(args, a.shape, b.shape).shape)];
}

function computeMatmul(args: RuntimeArgs, [out]: Tensor[]): void {
  const a = args.tensor('self');
  const b = args.tensor('other');
  const plan = planMatmul(args, a.shape, b.shape);
  const rows = a.rank === 1 ? 1 : a.shape[a.rank - 2]!;
  const inner = a.shape[a.rank - 1]!;
  const columns = b.rank === 1 ? 1 : b.shape[b.rank - 1]!;
  const batch = plan.batch as number[];
  const leftOffsets = broadcastIndex(plan.leftBatch as number[], batch);
  const rightOffsets = broadcastIndex(plan.rightBatch as number[], batch);
  const x = readFloats(a);
  const y = readFloats(b);
  writeFloats(out!, (data) => {
    for (let i = 0; i < numelOf(batch); i++) {
      matmul(
        { data: x, offset: leftOffsets[i]! * rows * inner, rowStride: inner },
        { data: y, offset: rightOffsets[i]! * inner * columns, rowStride: columns },
        { data, offset: i * rows * columns, rowStride: columns },
        rows,
        inner,
        columns,
      );
    }
  });
}

/** `aten::mm`, `aten::bmm`, `aten::addmm`, `aten::linear` (functional and out) and `aten::matmul`. */
export function matmulOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::mm(Tensor self, Tensor mat2) -> Tensor',
      out: 'aten::mm.out(Tensor self, Tensor mat2, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [mmMeta(args, 'self', 'mat2')],
      compute: (args, [out]) => computeMm(args, out!),
    }),
    ...defineOperator({
      functional: 'aten::bmm(Tensor self, Tensor mat2) -> Tensor',
      out: 'aten::bmm.out(Tensor self, Tensor mat2, *, Tensor(a!) out) -> Tensor(a!)',
      infer: bmmMeta,
      compute: computeBmm,
    }),
    ...defineOperator({
      functional: 'aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor',
      out: 'aten::addmm.out(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)',
      infer: addmmMeta,
      compute: computeAddmm,
    }),
    ...defineOperator({
      functional: 'aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor',
      out: 'aten::linear.out(Tensor input, Tensor weight, Tensor? bias=None, *, Tensor(a!) out) -> Tensor(a!)',
      infer: linearMeta,
      compute: computeLinear,
    }),
    ...defineOperator({
      functional: 'aten::matmul(Tensor self, Tensor other) -> Tensor',
      infer: matmulMeta,
      compute: computeMatmul,
    }),
  ];
}
