/**
 * Element reorderings along dims: `flip` (a strided copy with negative strides) and `roll`
 * (elements shifted cyclically; with no dims, over the flattened tensor).
 */

import { tensorMeta } from '../../ir/meta.js';
import { copyStrided } from '../../kernels/strided-copy.js';
import { Tensor, stridesOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { splitAround, wrapDimension } from './dims.js';
import { requireSameDtype } from './operands.js';

function flipCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const flipped = new Set(args.ints('dims').map((d) => wrapDimension(args, d, self.rank)));
  const strides = stridesOf(self.shape);
  let offset = 0;
  const sourceStrides = strides.map((stride, d) => {
    if (!flipped.has(d)) return stride;
    offset += (self.shape[d]! - 1) * stride;
    return -stride;
  });
  copyStrided(self.data, offset, sourceStrides, self.shape, out!.data);
}

/** Rolls `source` by `shift` along `dim` into `target` (same shape and dtype). */
function rollAlong(source: Tensor, target: Tensor, shift: number, dim: number): void {
  const [outer, size, inner] = splitAround(source.shape, dim);
  if (size === 0) return;
  const amount = ((shift % size) + size) % size;
  const from = source.data as Float64Array;
  const to = target.data as Float64Array;
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    to.set(from.subarray(base, base + (size - amount) * inner), base + amount * inner);
    to.set(from.subarray(base + (size - amount) * inner, base + size * inner), base);
  }
}

function rollCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const shifts = args.ints('shifts');
  const dims = args.ints('dims');
  if (dims.length === 0) {
    if (shifts.length !== 1) args.fail(`without dims, roll takes one shift, got ${shifts.length}`);
    rollAlong(self.reshaped([self.numel]), out!.reshaped([self.numel]), shifts[0]!, 0);
    return;
  }
  if (dims.length !== shifts.length) args.fail(`shifts (${shifts.length}) and dims (${dims.length}) must have the same length`);
  let current = self;
  dims.forEach((dim, i) => {
    const target = i === dims.length - 1 ? out! : Tensor.zeros(self.dtype, self.shape);
    rollAlong(current, target, shifts[i]!, wrapDimension(args, dim, self.rank));
    current = target;
  });
}

/** `flip` and `roll` (functional and out). */
export function reorderOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::flip(Tensor self, int[] dims) -> Tensor',
      out: 'aten::flip.out(Tensor self, int[] dims, *, Tensor(a!) out) -> Tensor(a!)',
      infer(args) {
        const self = args.tensor('self');
        const dims = args.ints('dims').map((d) => wrapDimension(args, d, self.shape.length));
        if (new Set(dims).size !== dims.length) args.fail(`dims [${dims.join(', ')}] repeat a dim`);
        return [tensorMeta(self.dtype, self.shape)];
      },
      compute: flipCompute,
    }),
    ...defineOperator({
      functional: 'aten::roll(Tensor self, SymInt[1] shifts, int[1] dims=[]) -> Tensor',
      out: 'aten::roll.out(Tensor self, SymInt[1] shifts, int[1] dims=[], *, Tensor(a!) out) -> Tensor(a!)',
      infer(args) {
        const self = args.tensor('self');
        args.ints('dims').forEach((d) => wrapDimension(args, d, self.shape.length));
        return [tensorMeta(self.dtype, self.shape)];
      },
      compute: rollCompute,
    }),
  ];
}
