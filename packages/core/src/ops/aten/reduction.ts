/**
 * Reductions: `mean`, `sum`, `amax`/`amin`, `any`, `var`/`var_mean` over dim lists; `max`/`min`
 * and `prod` over everything; `max.dim`/`min.dim` (values and indices), `argmax`/`argmin` and
 * `prod.dim_int` over one dim; `cumsum`. Sums accumulate in float64 and round once
 * (torch accumulates float32 sums pairwise, so results agree to the last bit or one ulp); `mean`
 * rounds the sum to the out dtype before dividing, as torch's `sum(...).div_(n)` does. Integer and
 * bool inputs sum to int64 unless a dtype is given.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import type { Dim } from '../../ir/sym.js';
import { readNumbers, writeNumbers } from '../../kernels/access.js';
import { ANY, type Fold, MAXIMUM, MINIMUM, PRODUCT, SUM, reduceDims, sumSquaredDeviations } from '../../kernels/reduce.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, isIntegralType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { reducedDimensions, reducedShape, splitAround, wrapDimension } from './dims.js';

/** Which dims an operator reduces: a `dim` list argument, one `dim` int, or all of them. */
type DimArgument = 'list' | 'optional-int' | 'int' | 'all';

function dimsOf(args: MetaArgs | RuntimeArgs, kind: DimArgument): number[] | null {
  if (kind === 'all') return null;
  if (kind === 'list') return args.optionalInts('dim');
  const dim = args.optionalInt('dim');
  return dim === null ? null : [dim];
}

function reducedMeta(args: MetaArgs, kind: DimArgument, dtype: ScalarType): TensorMeta {
  const self = args.tensor('self');
  const keepdim = kind === 'all' ? false : args.bool('keepdim');
  const reduced = reducedDimensions(args, dimsOf(args, kind), self.shape.length);
  if (kind === 'optional-int' && args.isNone('dim')) return tensorMeta(dtype, keepdim ? self.shape.map(() => 1) : []);
  return tensorMeta(dtype, reducedShape<Dim>(self.shape, reduced, keepdim));
}

function sumDtype(args: MetaArgs): ScalarType {
  const requested = args.optionalDtype('dtype');
  const self = args.tensor('self').dtype;
  return requested ?? (isIntegralType(self, true) ? ScalarType.LONG : self);
}

function meanDtype(args: MetaArgs): ScalarType {
  const dtype = args.optionalDtype('dtype') ?? args.tensor('self').dtype;
  if (!isFloatingType(dtype)) args.fail(`mean needs a floating input or dtype, got ${scalarTypeName(dtype)}; pass dtype=float32`);
  return dtype;
}

function sameAsSelf(args: MetaArgs): ScalarType {
  const dtype = args.tensor('self').dtype;
  if (dtype === ScalarType.BOOL) args.fail('is not supported for bool tensors');
  return dtype;
}

/** Folds `self` over its reduced dims into `out`, then `finish` maps each accumulator. */
function reduceInto(args: RuntimeArgs, out: Tensor, kind: DimArgument, fold: Fold, finish?: (value: number, count: number) => number): void {
  const self = args.tensor('self');
  const reduced = reducedDimensions(args, dimsOf(args, kind), self.rank);
  let count = 1;
  self.shape.forEach((size, d) => {
    if (reduced[d]) count *= size;
  });
  const values = reduceDims(readNumbers(self), self.shape, reduced, fold);
  if (finish) for (let i = 0; i < values.length; i++) values[i] = finish(values[i]!, count);
  if (out.dtype === ScalarType.BOOL) {
    const target = out.data as Uint8Array;
    for (let i = 0; i < target.length; i++) target[i] = values[i] !== 0 ? 1 : 0;
  } else writeNumbers(out, values);
}

function meanCompute(kind: DimArgument) {
  return (args: RuntimeArgs, [out]: Tensor[]) => {
    const round = out!.dtype === ScalarType.DOUBLE ? (v: number) => v : Math.fround;
    reduceInto(args, out!, kind, SUM, (sum, count) => round(sum) / count);
  };
}

/** Index and value of the extreme along one dim; NaN wins, ties keep the first index. */
function extremeAlong(args: RuntimeArgs, values: Tensor | null, indices: Tensor | null, kind: 'int' | 'optional-int', greater: boolean): void {
  const self = args.tensor('self');
  const dim = kind === 'int' ? args.int('dim') : args.optionalInt('dim');
  const shape = dim === null ? [self.numel] : self.shape;
  const [outer, size, inner] = dim === null ? [1, self.numel, 1] : splitAround(shape, wrapDimension(args, dim, self.rank));
  if (size === 0) args.fail('cannot reduce over a dim of size 0');
  const data = readNumbers(self);
  const best = new Float64Array(outer * inner);
  const where = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let value = data[base]!;
      let index = 0;
      for (let k = 1; k < size && value === value; k++) {
        const candidate = data[base + k * inner]!;
        if (candidate !== candidate || (greater ? candidate > value : candidate < value)) {
          value = candidate;
          index = k;
        }
      }
      best[o * inner + i] = value;
      where[o * inner + i] = index;
    }
  }
  if (values) writeNumbers(values, best);
  if (indices) writeNumbers(indices, where);
}

function extremeDimMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (self.shape.length > 0) wrapDimension(args, args.int('dim'), self.shape.length);
  const values = reducedMeta(args, 'optional-int', sameAsSelf(args));
  return [values, tensorMeta(ScalarType.LONG, values.shape)];
}

function argExtremeMeta(args: MetaArgs): TensorMeta[] {
  sameAsSelf(args);
  return [reducedMeta(args, 'optional-int', ScalarType.LONG)];
}

/** Variance (and mean) over a dim list with Bessel-style `correction` (default 1), two-pass. */
function varianceInto(args: RuntimeArgs, variance: Tensor, mean: Tensor | null): void {
  const self = args.tensor('self');
  const reduced = reducedDimensions(args, args.optionalInts('dim'), self.rank);
  const correction = args.value('correction') === null ? 1 : args.float('correction');
  let count = 1;
  self.shape.forEach((size, d) => {
    if (reduced[d]) count *= size;
  });
  const values = readNumbers(self);
  const means = reduceDims(values, self.shape, reduced, SUM).map((sum) => sum / count);
  const squares = sumSquaredDeviations(values, self.shape, reduced, means);
  writeNumbers(variance, squares.map((sum) => sum / Math.max(count - correction, 0)));
  if (mean) writeNumbers(mean, means);
}

function varianceMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  if (!isFloatingType(self.dtype)) args.fail(`needs a floating tensor, got ${scalarTypeName(self.dtype)}`);
  const meta = reducedMeta(args, 'list', self.dtype);
  return [meta, meta];
}

function cumsumMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  wrapDimension(args, args.int('dim'), self.shape.length);
  return [tensorMeta(sumDtype(args), self.shape)];
}

function cumsumCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  const [outer, size, inner] = splitAround(self.shape, wrapDimension(args, args.int('dim'), self.rank));
  const data = readNumbers(self);
  const result = new Float64Array(self.numel);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let k = 0; k < size; k++) {
        const index = (o * size + k) * inner + i;
        sum += data[index]!;
        result[index] = sum;
      }
    }
  }
  writeNumbers(out!, result);
}

/** The reduction operators, functional and out. */
export function reductionOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::mean.out(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'list', meanDtype(args))],
      compute: meanCompute('list'),
    }),
    ...defineOperator({
      functional: 'aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::mean.dtype_out(Tensor self, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', meanDtype(args))],
      compute: meanCompute('all'),
    }),
    ...defineOperator({
      functional: 'aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::sum.IntList_out(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'list', sumDtype(args))],
      compute: (args, [out]) => reduceInto(args, out!, 'list', SUM),
    }),
    ...defineOperator({
      functional: 'aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::sum.out(Tensor self, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', sumDtype(args))],
      compute: (args, [out]) => reduceInto(args, out!, 'all', SUM),
    }),
    ...defineOperator({
      functional: 'aten::amax(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor',
      out: 'aten::amax.out(Tensor self, int[1] dim=[], bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'list', args.tensor('self').dtype)],
      compute: (args, [out]) => reduceInto(args, out!, 'list', MAXIMUM),
    }),
    ...defineOperator({
      functional: 'aten::amin(Tensor self, int[1] dim=[], bool keepdim=False) -> Tensor',
      out: 'aten::amin.out(Tensor self, int[1] dim=[], bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'list', args.tensor('self').dtype)],
      compute: (args, [out]) => reduceInto(args, out!, 'list', MINIMUM),
    }),
    ...defineOperator({
      functional: 'aten::any.dim(Tensor self, int dim, bool keepdim=False) -> Tensor',
      out: 'aten::any.out(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'optional-int', ScalarType.BOOL)],
      compute: (args, [out]) => reduceInto(args, out!, 'optional-int', ANY),
    }),
    ...defineOperator({
      functional: 'aten::any.dims(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor',
      out: 'aten::any.dims_out(Tensor self, int[]? dim=None, bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'list', ScalarType.BOOL)],
      compute: (args, [out]) => reduceInto(args, out!, 'list', ANY),
    }),
    ...defineOperator({
      functional: 'aten::any(Tensor self) -> Tensor',
      out: 'aten::any.all_out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', ScalarType.BOOL)],
      compute: (args, [out]) => reduceInto(args, out!, 'all', ANY),
    }),
    ...defineOperator({
      functional: 'aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)',
      out: 'aten::max.dim_max(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) max, Tensor(b!) max_values) -> (Tensor(a!) values, Tensor(b!) indices)',
      infer: extremeDimMeta,
      compute: (args, [values, indices]) => extremeAlong(args, values!, indices!, 'int', true),
    }),
    ...defineOperator({
      functional: 'aten::min.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)',
      out: 'aten::min.dim_min(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) min, Tensor(b!) min_indices) -> (Tensor(a!) values, Tensor(b!) indices)',
      infer: extremeDimMeta,
      compute: (args, [values, indices]) => extremeAlong(args, values!, indices!, 'int', false),
    }),
    ...defineOperator({
      functional: 'aten::argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor',
      out: 'aten::argmax.out(Tensor self, int? dim=None, bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: argExtremeMeta,
      compute: (args, [out]) => extremeAlong(args, null, out!, 'optional-int', true),
    }),
    ...defineOperator({
      functional: 'aten::argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor',
      out: 'aten::argmin.out(Tensor self, int? dim=None, bool keepdim=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: argExtremeMeta,
      compute: (args, [out]) => extremeAlong(args, null, out!, 'optional-int', false),
    }),
    ...defineOperator({
      functional: 'aten::max(Tensor self) -> Tensor',
      out: 'aten::max.unary_out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', args.tensor('self').dtype)],
      compute: (args, [out]) => reduceInto(args, out!, 'all', MAXIMUM),
    }),
    ...defineOperator({
      functional: 'aten::min(Tensor self) -> Tensor',
      out: 'aten::min.unary_out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', args.tensor('self').dtype)],
      compute: (args, [out]) => reduceInto(args, out!, 'all', MINIMUM),
    }),
    ...defineOperator({
      functional: 'aten::prod.dim_int(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::prod.int_out(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'optional-int', sumDtype(args))],
      compute: (args, [out]) => reduceInto(args, out!, 'optional-int', PRODUCT),
    }),
    ...defineOperator({
      functional: 'aten::prod(Tensor self, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::prod.out(Tensor self, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [reducedMeta(args, 'all', sumDtype(args))],
      compute: (args, [out]) => reduceInto(args, out!, 'all', PRODUCT),
    }),
    ...defineOperator({
      functional: 'aten::var.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> Tensor',
      out: 'aten::var.correction_out(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => varianceMeta(args).slice(0, 1),
      compute: (args, [out]) => varianceInto(args, out!, null),
    }),
    ...defineOperator({
      functional: 'aten::var_mean.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> (Tensor, Tensor)',
      out:
        'aten::var_mean.correction_out(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False, ' +
        'Tensor(a!) out0, Tensor(b!) out1) -> (Tensor(a!), Tensor(b!))',
      infer: varianceMeta,
      compute: (args, [variance, mean]) => varianceInto(args, variance!, mean!),
    }),
    ...defineOperator({
      functional: 'aten::cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor',
      out: 'aten::cumsum.out(Tensor self, int dim, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)',
      infer: cumsumMeta,
      compute: cumsumCompute,
    }),
  ];
}
