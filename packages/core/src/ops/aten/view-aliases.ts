/**
 * torch's view operators (`permute`, `transpose.int`, `expand`, `slice.Tensor`, …) as they appear
 * in graphs before ExecuTorch's edge dialect replaces them with their `_copy` forms. etch tensors
 * are contiguous, so a view is evaluated as its copy and lowered to the copy's `.out` kernel; the
 * functional `view` itself lives with `view_copy` in `reshape.ts`.
 */

import { InvalidArgumentError } from '../../errors.js';
import type { OperatorDefinition } from '../definition.js';
import { parseSchema, schemaKey } from '../schema.js';

/** View schema → key of the functional `_copy` operator with the same arguments. */
const VIEWS: [string, string][] = [
  ['aten::alias(Tensor(a) self) -> Tensor(a)', 'aten::alias_copy'],
  ['aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)', 'aten::permute_copy'],
  ['aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)', 'aten::transpose_copy.int'],
  ['aten::t(Tensor(a) self) -> Tensor(a)', 'aten::t_copy'],
  ['aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)', 'aten::unsqueeze_copy'],
  ['aten::squeeze(Tensor(a) self) -> Tensor(a)', 'aten::squeeze_copy'],
  ['aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)', 'aten::squeeze_copy.dim'],
  ['aten::squeeze.dims(Tensor(a) self, int[] dim) -> Tensor(a)', 'aten::squeeze_copy.dims'],
  ['aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)', 'aten::expand_copy'],
  ['aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)', 'aten::slice_copy.Tensor'],
  ['aten::select.int(Tensor(a) self, int dim, SymInt index) -> Tensor(a)', 'aten::select_copy.int'],
  ['aten::narrow(Tensor(a) self, int dim, SymInt start, SymInt length) -> Tensor(a)', 'aten::narrow_copy'],
  ['aten::split_with_sizes(Tensor self, SymInt[] split_sizes, int dim=0) -> Tensor[]', 'aten::split_with_sizes_copy'],
  ['aten::split.Tensor(Tensor self, SymInt split_size, int dim=0) -> Tensor[]', 'aten::split_copy.Tensor'],
  ['aten::unbind.int(Tensor self, int dim=0) -> Tensor[]', 'aten::unbind_copy.int'],
];

/** The view operators, each sharing the semantics and `.out` variant of its copy in `copies`. */
export function viewAliasOperators(copies: readonly OperatorDefinition[]): OperatorDefinition[] {
  const byKey = new Map(copies.map((definition) => [definition.key, definition]));
  return VIEWS.map(([text, copyKey]) => {
    const schema = parseSchema(text);
    const copy = byKey.get(copyKey);
    const names = (definition: { schema: { args: { name: string }[] } }) => definition.schema.args.map((a) => a.name).join(',');
    if (!copy || names({ schema }) !== names(copy)) {
      throw new InvalidArgumentError('view operator', `${schemaKey(schema)} needs ${copyKey} with the same arguments`);
    }
    return { ...copy, key: schemaKey(schema), schema };
  });
}
