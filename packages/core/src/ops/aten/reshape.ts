/**
 * Operators that keep a contiguous tensor's bytes and change only its shape: `view_copy`,
 * `_unsafe_view`, `view` (functional; lowered to `view_copy.out`), `unsqueeze_copy` and
 * `squeeze_copy` (all size-1 dims, one dim, or a dim list).
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import type { Dim } from '../../ir/sym.js';
import type { Tensor } from '../../kernels/tensor.js';
import { scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { parseSchema, schemaKey } from '../schema.js';
import { inferViewShape } from '../view-shape.js';
import { wrapDimension } from './dims.js';

const VIEW_COPY_OUT = 'aten::view_copy.out(Tensor self, SymInt[] size, *, Tensor(a!) out) -> Tensor(a!)';

function viewMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  return [tensorMeta(self.dtype, inferViewShape(args, self.shape, args.dims('size')))];
}

/** Copies the bytes of `self` into `out` (same dtype and element count, shapes may differ). */
function copyBytes(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  if (self.dtype !== out!.dtype) args.fail(`out must have the dtype of self (${scalarTypeName(self.dtype)}), got ${scalarTypeName(out!.dtype)}`);
  if (self.numel !== out!.numel) args.fail(`out has ${out!.numel} elements, self has ${self.numel}`);
  if (self.data !== out!.data) out!.bytes.set(self.bytes);
}

function unsqueezeMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length + 1);
  const shape: Dim[] = [...self.shape];
  shape.splice(dim, 0, 1);
  return [tensorMeta(self.dtype, shape)];
}

/** Squeezes the listed dims (all dims when `dims` is null) that have size 1. */
function squeezeMeta(dimsOf: (args: MetaArgs) => number[] | null) {
  return (args: MetaArgs): TensorMeta[] => {
    const self = args.tensor('self');
    const dims = dimsOf(args);
    const rank = self.shape.length;
    const listed = new Array<boolean>(rank).fill(dims === null);
    for (const dim of dims ?? []) if (rank > 0) listed[wrapDimension(args, dim, rank)] = true;
    return [tensorMeta(self.dtype, self.shape.filter((size, d) => !(listed[d] && size === 1)))];
  };
}

/** `view_copy`, `_unsafe_view`, `view`, `unsqueeze_copy`, `squeeze_copy` (default, `.dim`, `.dims`). */
export function reshapeOperators(): OperatorDefinition[] {
  const [view] = defineOperator({ functional: 'aten::view(Tensor(a) self, SymInt[] size) -> Tensor(a)', infer: viewMeta, compute: copyBytes });
  return [
    ...defineOperator({
      functional: 'aten::view_copy(Tensor self, SymInt[] size) -> Tensor',
      out: VIEW_COPY_OUT,
      infer: viewMeta,
      compute: copyBytes,
    }),
    { ...view!, outVariant: schemaKey(parseSchema(VIEW_COPY_OUT)) },
    ...defineOperator({
      functional: 'aten::_unsafe_view(Tensor self, SymInt[] size) -> Tensor',
      out: 'aten::_unsafe_view.out(Tensor self, SymInt[] size, *, Tensor(a!) out) -> Tensor(a!)',
      infer: viewMeta,
      compute: copyBytes,
    }),
    ...defineOperator({
      functional: 'aten::unsqueeze_copy(Tensor self, int dim) -> Tensor',
      out: 'aten::unsqueeze_copy.out(Tensor self, int dim, *, Tensor(a!) out) -> Tensor(a!)',
      infer: unsqueezeMeta,
      compute: copyBytes,
    }),
    ...defineOperator({
      functional: 'aten::squeeze_copy(Tensor self) -> Tensor',
      out: 'aten::squeeze_copy.out(Tensor self, *, Tensor(a!) out) -> Tensor(a!)',
      infer: squeezeMeta(() => null),
      compute: copyBytes,
    }),
    ...defineOperator({
      functional: 'aten::squeeze_copy.dim(Tensor self, int dim) -> Tensor',
      out: 'aten::squeeze_copy.dim_out(Tensor self, int dim, *, Tensor(a!) out) -> Tensor(a!)',
      infer: squeezeMeta((args) => [args.int('dim')]),
      compute: copyBytes,
    }),
    ...defineOperator({
      functional: 'aten::squeeze_copy.dims(Tensor self, int[] dim) -> Tensor',
      out: 'aten::squeeze_copy.dims_out(Tensor self, int[] dim, *, Tensor(a!) out) -> Tensor(a!)',
      infer: squeezeMeta((args) => args.ints('dim')),
      compute: copyBytes,
    }),
  ];
}
