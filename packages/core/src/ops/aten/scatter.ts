/**
 * Writes into a copy of a tensor: `slice_scatter` and `select_scatter` (what functionalized
 * in-place slice assignments such as `cache[:, :, start:end] = k` become), `scatter.src`,
 * `scatter.value` and `scatter_add` (element positions along one dim given by an index tensor,
 * every index range-checked).
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, shapeToString } from '../../ir/sym.js';
import { readNumbers, writeNumbers } from '../../kernels/access.js';
import { convertInto } from '../../kernels/convert.js';
import { Tensor, stridesOf } from '../../kernels/tensor.js';
import { scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { wrapDimension } from './dims.js';
import { isIndexType } from './embedding.js';
import { requireSameDtype } from './operands.js';

/** `src` in `out`'s dtype (a converted copy when they differ). */
function inDtypeOf(source: Tensor, out: Tensor): Tensor {
  if (source.dtype === out.dtype) return source;
  const converted = Tensor.zeros(out.dtype, source.shape);
  convertInto(source, converted);
  return converted;
}

/** Copies `self` into `out`, then `src` over the positions `dim ∈ start + step·k` of `out`. */
function scatterRange(args: RuntimeArgs, out: Tensor, dim: number, start: number, length: number, step: number): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out);
  const source = inDtypeOf(args.tensor('src'), out);
  const expected = [...out.shape];
  expected[dim] = length;
  if (source.numel !== expected.reduce((a, b) => a * b, 1)) args.fail(`src [${source.shape.join(', ')}] does not fit the slice [${expected.join(', ')}]`);
  if (out.data !== self.data) out.bytes.set(self.bytes);
  const strides = stridesOf(out.shape);
  const target = out.data as Float64Array;
  const values = source.data as Float64Array;
  const rank = out.rank;
  const counter = new Array<number>(rank).fill(0);
  for (let i = 0; i < values.length; i++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += (d === dim ? start + counter[d]! * step : counter[d]!) * strides[d]!;
    target[offset] = values[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++counter[d]! < expected[d]!) break;
      counter[d] = 0;
    }
  }
}

function sliceScatterMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const source = args.tensor('src');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  if (source.shape.length !== self.shape.length || !source.shape.every((d, i) => i === dim || dimEquals(d, self.shape[i]!))) {
    args.fail(`src ${shapeToString(source.shape)} must match self ${shapeToString(self.shape)} outside dim ${dim}`);
  }
  return [tensorMeta(self.dtype, self.shape)];
}

function sliceScatterCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const size = self.shape[dim]!;
  const step = args.int('step');
  if (step < 1) args.fail(`step must be positive, got ${step}`);
  let start = args.optionalInt('start') ?? 0;
  let end = args.optionalInt('end') ?? size;
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = Math.min(Math.max(start, 0), size);
  end = Math.min(Math.max(end, start), size);
  scatterRange(args, out!, dim, start, Math.ceil((end - start) / step), step);
}

function selectScatterMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const source = args.tensor('src');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const expected: Dim[] = self.shape.filter((_, d) => d !== dim);
  if (source.shape.length !== expected.length || !source.shape.every((d, i) => dimEquals(d, expected[i]!))) {
    args.fail(`src ${shapeToString(source.shape)} must have shape ${shapeToString(expected)}`);
  }
  return [tensorMeta(self.dtype, self.shape)];
}

function selectScatterCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const size = self.shape[dim]!;
  const index = args.int('index');
  if (index < -size || index >= size) args.fail(`index ${index} is out of range for dim ${dim} of size ${size}`);
  scatterRange(args, out!, dim, index < 0 ? index + size : index, 1, 1);
}

function scatterMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const index = args.tensor('index');
  if (!isIndexType(index.dtype)) args.fail(`index must be int64 or int32, got ${scalarTypeName(index.dtype)}`);
  if (index.shape.length !== self.shape.length && index.shape.length > 0) args.fail(`index ${shapeToString(index.shape)} must have the rank of self ${shapeToString(self.shape)}`);
  wrapDimension(args, args.int('dim'), self.shape.length);
  return [tensorMeta(self.dtype, self.shape)];
}

/**
 * Writes (or adds) `valueAt(i)` for every element `i` of `index` to
 * `out[..., index[i], ...]` (the index replacing the coordinate along `dim`).
 */
function scatterInto(args: RuntimeArgs, out: Tensor, valueAt: (i: number, coordinates: readonly number[]) => number, accumulate: boolean): void {
  const self = args.tensor('self');
  const index = args.tensor('index');
  requireSameDtype(args, self, out);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const size = self.shape[dim] ?? 1;
  for (let d = 0; d < index.rank; d++) {
    if (d !== dim && index.shape[d]! > self.shape[d]!) args.fail(`index [${index.shape.join(', ')}] is larger than self [${self.shape.join(', ')}] at dim ${d}`);
  }
  const result = Float64Array.from(readNumbers(self));
  const picks = readNumbers(index);
  const strides = stridesOf(self.shape);
  const counter = new Array<number>(index.rank).fill(0);
  for (let i = 0; i < picks.length; i++) {
    const pick = picks[i]!;
    if (pick < -size || pick >= size) args.fail(`index ${pick} is out of range for dim ${dim} of size ${size}`);
    let offset = 0;
    for (let d = 0; d < index.rank; d++) offset += (d === dim ? (pick < 0 ? pick + size : pick) : counter[d]!) * strides[d]!;
    const value = valueAt(i, counter);
    result[offset] = accumulate ? result[offset]! + value : value;
    for (let d = index.rank - 1; d >= 0; d--) {
      if (++counter[d]! < index.shape[d]!) break;
      counter[d] = 0;
    }
  }
  writeNumbers(out, result);
}

/** Reads `src` at the index's coordinates (src may be larger than index, as torch allows). */
function sourceReader(args: RuntimeArgs): (i: number, coordinates: readonly number[]) => number {
  const source = args.tensor('src');
  const values = readNumbers(source);
  const strides = stridesOf(source.shape);
  return (_i, coordinates) => {
    let offset = 0;
    for (let d = 0; d < coordinates.length; d++) offset += coordinates[d]! * strides[d]!;
    return values[offset]!;
  };
}

/** `slice_scatter`, `select_scatter`, `scatter.src`, `scatter.value`, `scatter_add` (functional and out). */
export function scatterOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::slice_scatter(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor',
      out: 'aten::slice_scatter.out(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1, *, Tensor(a!) out) -> Tensor(a!)',
      infer: sliceScatterMeta,
      compute: sliceScatterCompute,
    }),
    ...defineOperator({
      functional: 'aten::select_scatter(Tensor self, Tensor src, int dim, SymInt index) -> Tensor',
      out: 'aten::select_scatter.out(Tensor self, Tensor src, int dim, SymInt index, *, Tensor(a!) out) -> Tensor(a!)',
      infer: selectScatterMeta,
      compute: selectScatterCompute,
    }),
    ...defineOperator({
      functional: 'aten::scatter.src(Tensor self, int dim, Tensor index, Tensor src) -> Tensor',
      out: 'aten::scatter.src_out(Tensor self, int dim, Tensor index, Tensor src, *, Tensor(a!) out) -> Tensor(a!)',
      infer: scatterMeta,
      compute: (args, [out]) => scatterInto(args, out!, sourceReader(args), false),
    }),
    ...defineOperator({
      functional: 'aten::scatter.value(Tensor self, int dim, Tensor index, Scalar value) -> Tensor',
      out: 'aten::scatter.value_out(Tensor self, int dim, Tensor index, Scalar value, *, Tensor(a!) out) -> Tensor(a!)',
      infer: scatterMeta,
      compute(args, [out]) {
        const value = args.float('value');
        scatterInto(args, out!, () => value, false);
      },
    }),
    ...defineOperator({
      functional: 'aten::scatter_add(Tensor self, int dim, Tensor index, Tensor src) -> Tensor',
      out: 'aten::scatter_add.out(Tensor self, int dim, Tensor index, Tensor src, *, Tensor(a!) out) -> Tensor(a!)',
      infer: scatterMeta,
      compute: (args, [out]) => scatterInto(args, out!, sourceReader(args), true),
    }),
  ];
}
