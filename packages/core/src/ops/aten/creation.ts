/**
 * Tensor factories: `full`, `full_like`, `zeros`, `ones`, `zeros_like`, `ones_like`, `empty`,
 * `fill`, `scalar_tensor` and `arange`. Default dtypes follow torch (float32 for `zeros`/`ones`/
 * `scalar_tensor`; `full` and `arange` by the kind of their Scalars). `arange` sizes stay symbolic
 * when its bounds are symbolic sizes with a step of 1 (`arange(start_pos, start_pos + seq_len)`).
 * Their out variants take no TensorOptions: the out tensor's dtype decides what is stored.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, addDims, mulDims } from '../../ir/sym.js';
import { storeValue } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { defineLooseFamily } from './family.js';
import { scalarKind } from './operands.js';

const OPTIONS = 'ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None';

/** torch's dtype for a Scalar of this kind (bool, int64, float32). */
function dtypeOfKind(kind: 'int' | 'float' | 'bool'): ScalarType {
  return kind === 'bool' ? ScalarType.BOOL : kind === 'int' ? ScalarType.LONG : ScalarType.FLOAT;
}

/** The dtype argument when the schema has one and it is given. */
function requestedDtype(args: MetaArgs): ScalarType | null {
  return args.schema.args.some((a) => a.name === 'dtype') ? args.optionalDtype('dtype') : null;
}

function sizeOf(args: MetaArgs): Dim[] {
  const size = args.dims('size');
  if (size.some((d) => typeof d === 'number' && d < 0)) args.fail(`sizes must be non-negative, got [${size.join(', ')}]`);
  return size;
}

/** Fills `out` with `value` converted to its dtype. */
function fill(out: Tensor, value: number): void {
  const stored = storeValue(out.dtype, value);
  (out.data as Float64Array).fill(stored as number);
}

/** Number of `arange` elements, possibly symbolic. */
function arangeLength(args: MetaArgs, start: Dim, end: Dim, step: number): Dim {
  if (step === 0) args.fail('step must be nonzero');
  if (typeof start === 'number' && typeof end === 'number') {
    const length = Math.ceil((end - start) / step);
    if (length < 0) args.fail(`upper bound and larger bound are inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
    return length;
  }
  if (step !== 1) args.fail('a symbolic arange needs step 1');
  return addDims(end, mulDims(start, -1));
}

function boundOf(args: MetaArgs, name: string): Dim {
  const value = args.value(name);
  if (value.kind === 'int') return value.value;
  if (value.kind === 'float') return value.value;
  if (value.kind === 'none' && name === 'start') return 0;
  return args.fail(`'${name}' must be a number known at export time or a symbolic size, got ${value.kind}`);
}

function hasArgument(args: MetaArgs | RuntimeArgs, name: string): boolean {
  return args.schema.args.some((a) => a.name === name);
}

function arangeMeta(args: MetaArgs): TensorMeta[] {
  const start = hasArgument(args, 'start') ? boundOf(args, 'start') : 0;
  const end = boundOf(args, 'end');
  const step = hasArgument(args, 'step') ? args.float('step') : 1;
  const kinds = ['start', 'end', 'step'].filter((name) => hasArgument(args, name)).map((name) => scalarKind(args, name));
  const dtype = requestedDtype(args) ?? (kinds.includes('float') ? ScalarType.FLOAT : ScalarType.LONG);
  if (dtype === ScalarType.BOOL) args.fail('arange cannot produce bool tensors');
  return [tensorMeta(dtype, [arangeLength(args, start, end, step)])];
}

function arangeCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const start = hasArgument(args, 'start') ? args.float('start') : 0;
  const step = hasArgument(args, 'step') ? args.float('step') : 1;
  const values = new Float64Array(out!.numel);
  for (let i = 0; i < values.length; i++) values[i] = start + i * step;
  const data = out!.data as Float64Array;
  for (let i = 0; i < values.length; i++) data[i] = storeValue(out!.dtype, values[i]!) as number;
}

function constantFamily(name: string, value: number | null, like: boolean): OperatorDefinition[] {
  const fillArgument = value === null ? ', Scalar fill_value' : '';
  const source = like ? 'Tensor self' : 'SymInt[] size';
  const memoryFormat = like ? ', MemoryFormat? memory_format=None' : '';
  return defineLooseFamily({
    functional: `aten::${name}(${source}${fillArgument}, *, ${OPTIONS}${memoryFormat}) -> Tensor`,
    out: `aten::${name}.out(${source}${fillArgument}, *${memoryFormat}, Tensor(a!) out) -> Tensor(a!)`,
    infer(args) {
      const shape = like ? args.tensor('self').shape : sizeOf(args);
      const fallback = like ? args.tensor('self').dtype : value === null ? dtypeOfKind(scalarKind(args, 'fill_value')) : ScalarType.FLOAT;
      return [tensorMeta(requestedDtype(args) ?? fallback, shape)];
    },
    compute: (args, [out]) => fill(out!, value ?? args.float('fill_value')),
  });
}

/** The factory operators (functional and out). */
export function creationOperators(): OperatorDefinition[] {
  return [
    ...constantFamily('full', null, false),
    ...constantFamily('full_like', null, true),
    ...constantFamily('zeros', 0, false),
    ...constantFamily('ones', 1, false),
    ...constantFamily('zeros_like', 0, true),
    ...constantFamily('ones_like', 1, true),
    ...defineLooseFamily({
      functional: `aten::empty.memory_format(SymInt[] size, *, ${OPTIONS}, MemoryFormat? memory_format=None) -> Tensor`,
      out: 'aten::empty.out(SymInt[] size, *, MemoryFormat? memory_format=None, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorMeta(requestedDtype(args) ?? ScalarType.FLOAT, sizeOf(args))],
      // Uninitialized in torch; zeros here, so results never depend on stale memory.
      compute: (_args, [out]) => fill(out!, 0),
    }),
    ...defineOperator({
      functional: 'aten::fill.Scalar(Tensor self, Scalar value) -> Tensor',
      out: 'aten::fill.Scalar_out(Tensor self, Scalar value, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::fill_.Scalar(Tensor(a!) self, Scalar value) -> Tensor(a!)',
      infer: (args) => [tensorMeta(args.tensor('self').dtype, args.tensor('self').shape)],
      compute: (args, [out]) => fill(out!, args.float('value')),
    }),
    ...defineLooseFamily({
      functional: `aten::scalar_tensor(Scalar s, *, ${OPTIONS}) -> Tensor`,
      out: 'aten::scalar_tensor.out(Scalar s, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => [tensorMeta(requestedDtype(args) ?? ScalarType.FLOAT, [])],
      compute: (args, [out]) => fill(out!, args.float('s')),
    }),
    ...defineLooseFamily({
      functional: `aten::arange(Scalar end, *, ${OPTIONS}) -> Tensor`,
      out: 'aten::arange.out(Scalar end, *, Tensor(a!) out) -> Tensor(a!)',
      infer: arangeMeta,
      compute: arangeCompute,
    }),
    ...defineLooseFamily({
      functional: `aten::arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ${OPTIONS}) -> Tensor`,
      out: 'aten::arange.start_out(Scalar start, Scalar end, Scalar step=1, *, Tensor(a!) out) -> Tensor(a!)',
      infer: arangeMeta,
      compute: arangeCompute,
    }),
    // `arange.start` lowers to `arange.start_out` with its default step of 1.
    ...defineOperator({ functional: `aten::arange.start(Scalar start, Scalar end, *, ${OPTIONS}) -> Tensor`, infer: arangeMeta, compute: arangeCompute }).map(
      (definition) => ({ ...definition, outVariant: 'aten::arange.start_out' }),
    ),
  ];
}

