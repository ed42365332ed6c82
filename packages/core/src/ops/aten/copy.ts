/**
 * Copies: `_to_copy` (dtype conversion), `clone`, `alias_copy`, `detach_copy`,
 * `lift_fresh_copy`, and `copy`/`copy_` (the values of `src`, broadcast to `self`'s shape and
 * converted to `self`'s dtype; `copy_` is how ExecuTorch writes mutated buffers back). etch
 * tensors are contiguous, so only the contiguous and preserve memory formats are accepted.
 */

import { UnsupportedOperatorError } from '../../errors.js';
import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { dimEquals, shapeToString } from '../../ir/sym.js';
import { broadcastStrides } from '../../kernels/broadcast.js';
import { convertInto } from '../../kernels/convert.js';
import { copyStrided } from '../../kernels/strided-copy.js';
import { Tensor } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastShapes } from '../shape-rules.js';
import { defineLooseFamily } from './family.js';

/** ExecuTorch's MemoryFormat codes that mean "contiguous" for a contiguous tensor. */
const CONTIGUOUS_FORMATS = new Set([0, 1]);

function checkMemoryFormat(op: string, args: MetaArgs | RuntimeArgs): void {
  if (!args.schema.args.some((a) => a.name === 'memory_format')) return;
  const format = args.optionalInt('memory_format');
  if (format !== null && !CONTIGUOUS_FORMATS.has(format)) {
    throw new UnsupportedOperatorError(op, `memory_format ${String(format)} is not supported`, {
      hint: 'etch tensors are contiguous; export without channels-last or other memory formats',
    });
  }
}

function copyMeta(op: string) {
  return (args: MetaArgs): TensorMeta[] => {
    checkMemoryFormat(op, args);
    const self = args.tensor('self');
    const dtype = args.schema.args.some((a) => a.name === 'dtype') ? args.optionalDtype('dtype') : null;
    return [tensorMeta(dtype ?? self.dtype, self.shape)];
  };
}

function copyCompute(op: string) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    checkMemoryFormat(op, args);
    convertInto(args.tensor('self'), out!);
  };
}

function simpleCopy(name: string, extra = ''): OperatorDefinition[] {
  const op = `aten::${name}`;
  return defineOperator({
    functional: `${op}(Tensor self${extra}) -> Tensor`,
    out: `${op}.out(Tensor self${extra ? `${extra}, Tensor(a!) out` : ', *, Tensor(a!) out'}) -> Tensor(a!)`,
    infer: copyMeta(op),
    compute: copyCompute(op),
  });
}

function copyFromMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const source = args.tensor('src');
  let shape;
  try {
    shape = broadcastShapes(self.shape, source.shape);
  } catch {
    return args.fail(`src ${shapeToString(source.shape)} does not broadcast to self ${shapeToString(self.shape)}`);
  }
  if (shape.length !== self.shape.length || !shape.every((d, i) => dimEquals(d, self.shape[i]!))) {
    args.fail(`src ${shapeToString(source.shape)} does not broadcast to self ${shapeToString(self.shape)}`);
  }
  return [tensorMeta(self.dtype, self.shape)];
}

function copyFromCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const source = args.tensor('src');
  // In-place calls skip shape inference, so the broadcast is checked here too.
  const fits = source.rank <= out!.rank && source.shape.every((d, i) => d === 1 || d === out!.shape[out!.rank - source.rank + i]);
  if (!fits) args.fail(`src [${source.shape.join(', ')}] does not broadcast to self [${out!.shape.join(', ')}]`);
  if (source.numel === out!.numel) {
    convertInto(source, out!);
    return;
  }
  const expanded = Tensor.zeros(source.dtype, out!.shape);
  copyStrided(source.data, 0, broadcastStrides(source.shape, out!.shape), out!.shape, expanded.data);
  convertInto(expanded, out!);
}

/** `_to_copy`, `clone`, `alias_copy`, `detach_copy`, `lift_fresh_copy`, `copy`, `copy_`. */
export function copyOperators(): OperatorDefinition[] {
  return [
    ...defineLooseFamily({
      functional:
        'aten::_to_copy(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, ' +
        'bool non_blocking=False, MemoryFormat? memory_format=None) -> Tensor',
      out: 'aten::_to_copy.out(Tensor self, *, bool non_blocking=False, MemoryFormat? memory_format=None, Tensor(a!) out) -> Tensor(a!)',
      infer: copyMeta('aten::_to_copy'),
      compute: copyCompute('aten::_to_copy'),
    }),
    ...simpleCopy('clone', ', *, MemoryFormat? memory_format=None'),
    ...simpleCopy('alias_copy'),
    ...simpleCopy('detach_copy'),
    ...simpleCopy('lift_fresh_copy'),
    ...defineOperator({
      functional: 'aten::copy(Tensor self, Tensor src, bool non_blocking=False) -> Tensor',
      out: 'aten::copy.out(Tensor self, Tensor src, bool non_blocking=False, *, Tensor(a!) out) -> Tensor(a!)',
      inplace: 'aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False) -> Tensor(a!)',
      infer: copyFromMeta,
      compute: copyFromCompute,
    }),
  ];
}
