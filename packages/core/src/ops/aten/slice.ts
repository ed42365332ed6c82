/**
 * Pieces along one dim: `slice_copy.Tensor` (start/end/step with torch's clamping of out-of-range
 * bounds), `narrow_copy`, `select_copy.int` (one index, the dim removed), and the multi-output
 * `split_with_sizes_copy`, `split_copy.Tensor` and `unbind_copy.int`. At export time start and end
 * may be symbolic sizes (`x[:, :seq_len]`); the piece's length is then `end - start`.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, addDims, dimEquals, dimToString, mulDims, shapeToString } from '../../ir/sym.js';
import { copyStrided } from '../../kernels/strided-copy.js';
import { type Tensor, stridesOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs, MetaValue } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { wrapDimension } from './dims.js';
import { requireSameDtype } from './operands.js';

/** Bounds at least this large mean "to the end" (torch passes INT64_MAX for `x[a:]`). */
const UNBOUNDED = 2 ** 52;

/** Runs at least this long are moved with `TypedArray.set` instead of an element loop. */
const BULK_RUN = 64;

/**
 * Copies `length` slices of `self` along `dim`, starting at `start`, `step` apart, into `out`.
 * With step 1 (rope halves, KV-cache windows) the piece of every outer index is one contiguous
 * run, so it is copied as such, with no stride arrays.
 */
function copyRange(self: Tensor, dim: number, start: number, length: number, step: number, out: Tensor): void {
  if (step === 1) {
    copyContiguousRange(self, dim, start, length, out);
    return;
  }
  const strides = stridesOf(self.shape);
  const shape = [...self.shape];
  shape[dim] = length;
  const sourceStrides = strides.map((stride, d) => (d === dim ? stride * step : stride));
  copyStrided(self.data, start * (strides[dim] ?? 1), sourceStrides, shape, out.data);
}

function copyContiguousRange(self: Tensor, dim: number, start: number, length: number, out: Tensor): void {
  const shape = self.shape;
  let outer = 1;
  for (let d = 0; d < dim; d++) outer *= shape[d]!;
  let inner = 1;
  for (let d = dim + 1; d < shape.length; d++) inner *= shape[d]!;
  const run = length * inner;
  const sourceStride = shape[dim]! * inner;
  const from = self.data as Float64Array;
  const to = out.data as Float64Array;
  for (let o = 0, read = start * inner, write = 0; o < outer; o++, read += sourceStride, write += run) {
    if (run >= BULK_RUN) to.set(from.subarray(read, read + run), write);
    else for (let i = 0; i < run; i++) to[write + i] = from[read + i]!;
  }
}

/** torch's clamping of slice bounds to `[0, size]`. */
function clampBounds(size: number, start: number | null, end: number | null, step: number): [number, number] {
  let from = start ?? 0;
  let to = end ?? size;
  if (from < 0) from += size;
  if (to < 0) to += size;
  from = Math.min(Math.max(from, 0), size);
  to = Math.min(Math.max(to, from), size);
  return [from, Math.ceil((to - from) / step)];
}

function optionalBound(args: MetaArgs, name: string): Dim | null {
  const value: MetaValue = args.value(name);
  if (value.kind === 'none') return null;
  if (value.kind === 'int') return value.value;
  return args.fail(`'${name}' must be an int or a symbolic size, got ${value.kind}`);
}

function sliceLength(args: MetaArgs, size: Dim, startArgument: Dim | null, endArgument: Dim | null, step: number): Dim {
  if (step < 1) args.fail(`step must be positive, got ${step}`);
  const normalize = (bound: Dim | null, fallback: Dim): Dim => {
    if (bound === null || (typeof bound === 'number' && bound >= UNBOUNDED)) return fallback;
    return typeof bound === 'number' && bound < 0 ? addDims(size, bound) : bound;
  };
  const start = normalize(startArgument, 0);
  const end = normalize(endArgument, size);
  if (typeof size === 'number' && typeof start === 'number' && typeof end === 'number') {
    return clampBounds(size, start, end, step)[1];
  }
  if (step !== 1) args.fail(`a slice with symbolic bounds needs step 1, got ${step}`);
  try {
    return addDims(end, mulDims(start, -1));
  } catch {
    return args.fail(`cannot size the slice [${dimToString(start)}:${dimToString(end)}] of a dim of size ${dimToString(size)}`);
  }
}

function sliceMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (self.shape.length === 0) args.fail('cannot slice a 0-dim tensor');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const shape = [...self.shape];
  shape[dim] = sliceLength(args, self.shape[dim]!, optionalBound(args, 'start'), optionalBound(args, 'end'), args.int('step'));
  return [tensorMeta(self.dtype, shape)];
}

function sliceCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const step = args.int('step');
  if (step < 1) args.fail(`step must be positive, got ${step}`);
  const [start, length] = clampBounds(self.shape[dim]!, args.optionalInt('start'), args.optionalInt('end'), step);
  if (length !== out!.shape[dim]) args.fail(`out has size ${out!.shape[dim]} at dim ${dim}, the slice has ${length}`);
  copyRange(self, dim, start, length, step, out!);
}

function narrowMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const shape = [...self.shape];
  shape[dim] = args.dim('length');
  return [tensorMeta(self.dtype, shape)];
}

function narrowCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const size = self.shape[dim]!;
  let start = args.int('start');
  if (start < 0) start += size;
  const length = args.int('length');
  if (start < 0 || length < 0 || start + length > size) args.fail(`start ${args.int('start')} + length ${length} exceeds dim ${dim} of size ${size}`);
  copyRange(self, dim, start, length, 1, out!);
}

function selectMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (self.shape.length === 0) args.fail('cannot select from a 0-dim tensor');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const size = self.shape[dim]!;
  const index = args.dim('index');
  if (typeof size === 'number' && typeof index === 'number' && (index < -size || index >= size)) {
    args.fail(`index ${index} is out of range for dim ${dim} of size ${size}`);
  }
  return [tensorMeta(self.dtype, self.shape.filter((_, d) => d !== dim))];
}

function selectCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const size = self.shape[dim]!;
  const index = args.int('index');
  if (index < -size || index >= size) args.fail(`index ${index} is out of range for dim ${dim} of size ${size}`);
  copyRange(self, dim, index < 0 ? index + size : index, 1, 1, out!);
}

/** Sizes of the pieces `split_with_sizes`/`split`/`unbind` cut along `dim`. */
type PiecesOf = (args: MetaArgs, size: Dim) => Dim[];

const piecesWithSizes: PiecesOf = (args, size) => {
  const sizes = args.dims('split_sizes');
  let total: Dim = 0;
  try {
    for (const piece of sizes) total = addDims(total, piece);
  } catch {
    return args.fail(`split sizes ${shapeToString(sizes)} mix different symbols`);
  }
  if (!dimEquals(total, size)) args.fail(`split sizes ${shapeToString(sizes)} sum to ${dimToString(total)}, not the dim size ${dimToString(size)}`);
  return sizes;
};

const piecesOfSize: PiecesOf = (args, size) => {
  const piece = args.int('split_size');
  if (typeof size !== 'number') return args.fail('split needs a static dim size');
  if (piece < 1) return piece === 0 && size === 0 ? [0] : args.fail(`split_size must be positive, got ${piece}`);
  const count = Math.max(Math.ceil(size / piece), 1);
  return Array.from({ length: count }, (_, i) => Math.min(piece, size - i * piece));
};

const unbindPieces: PiecesOf = (args, size) => {
  if (typeof size !== 'number') return args.fail('unbind needs a static dim size');
  return new Array<number>(size).fill(1);
};

function piecesMeta(piecesOf: PiecesOf, removeDim: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const self = args.tensor('self');
    if (self.shape.length === 0) args.fail('needs a tensor of rank >= 1');
    const dim = wrapDimension(args, args.int('dim'), self.shape.length);
    return piecesOf(args, self.shape[dim]!).map((piece) => {
      const shape = [...self.shape];
      if (removeDim) shape.splice(dim, 1);
      else shape[dim] = piece;
      return tensorMeta(self.dtype, shape);
    });
  };
}

function piecesCompute(args: RuntimeArgs, outs: Tensor[]): void {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  let start = 0;
  for (const out of outs) {
    requireSameDtype(args, self, out);
    const length = out.rank === self.rank ? out.shape[dim]! : 1;
    copyRange(self, dim, start, length, 1, out);
    start += length;
  }
}

/** Slicing, selecting, splitting and unbinding (functional and out). */
export function sliceOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::slice_copy.Tensor(Tensor self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor',
      out: 'aten::slice_copy.Tensor_out(Tensor self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1, *, Tensor(a!) out) -> Tensor(a!)',
      infer: sliceMeta,
      compute: sliceCompute,
    }),
    ...defineOperator({
      functional: 'aten::narrow_copy(Tensor self, int dim, SymInt start, SymInt length) -> Tensor',
      out: 'aten::narrow_copy.out(Tensor self, int dim, SymInt start, SymInt length, *, Tensor(a!) out) -> Tensor(a!)',
      infer: narrowMeta,
      compute: narrowCompute,
    }),
    ...defineOperator({
      functional: 'aten::select_copy.int(Tensor self, int dim, SymInt index) -> Tensor',
      out: 'aten::select_copy.int_out(Tensor self, int dim, SymInt index, *, Tensor(a!) out) -> Tensor(a!)',
      infer: selectMeta,
      compute: selectCompute,
    }),
    ...defineOperator({
      functional: 'aten::split_with_sizes_copy(Tensor self, SymInt[] split_sizes, int dim=0) -> Tensor[]',
      out: 'aten::split_with_sizes_copy.out(Tensor self, SymInt[] split_sizes, int dim=0, *, Tensor(a!)[] out) -> ()',
      infer: piecesMeta(piecesWithSizes, false),
      compute: piecesCompute,
    }),
    ...defineOperator({
      functional: 'aten::split_copy.Tensor(Tensor self, SymInt split_size, int dim=0) -> Tensor[]',
      out: 'aten::split_copy.Tensor_out(Tensor self, SymInt split_size, int dim=0, *, Tensor(a!)[] out) -> ()',
      infer: piecesMeta(piecesOfSize, false),
      compute: piecesCompute,
    }),
    ...defineOperator({
      functional: 'aten::unbind_copy.int(Tensor self, int dim=0) -> Tensor[]',
      out: 'aten::unbind_copy.int_out(Tensor self, int dim=0, *, Tensor(a!)[] out) -> ()',
      infer: piecesMeta(unbindPieces, true),
      compute: piecesCompute,
    }),
  ];
}
