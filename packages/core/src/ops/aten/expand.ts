/**
 * Broadcast copies: `expand_copy` (size-1 dims stretched, new leading dims added, -1 keeps a dim)
 * and `repeat` (the whole tensor tiled). Both are strided copies with zero strides.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, dimToString, mulDims, shapeToString } from '../../ir/sym.js';
import { broadcastStrides } from '../../kernels/broadcast.js';
import { copyStrided } from '../../kernels/strided-copy.js';
import { type Tensor, stridesOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import { requireSameDtype } from './operands.js';

function expandMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const sizes = args.dims('size');
  const lead = sizes.length - self.shape.length;
  if (lead < 0) args.fail(`cannot expand ${shapeToString(self.shape)} to fewer dims ${shapeToString(sizes)}`);
  const shape = sizes.map((size, i): Dim => {
    const own = i >= lead ? self.shape[i - lead]! : undefined;
    if (size === -1) {
      if (own === undefined) args.fail(`-1 is not allowed for the new leading dim ${i} of ${shapeToString(sizes)}`);
      return own;
    }
    if (typeof size === 'number' && size < 0) args.fail(`invalid size ${size} in ${shapeToString(sizes)}`);
    if (own !== undefined && own !== 1 && !dimEquals(own, size)) {
      args.fail(`cannot expand dim ${i - lead} of ${shapeToString(self.shape)} (size ${dimToString(own)}) to ${dimToString(size)}`);
    }
    return size;
  });
  return [tensorMeta(self.dtype, shape)];
}

function repeatMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const repeats = args.dims('repeats');
  if (repeats.length < self.shape.length) args.fail(`repeats ${shapeToString(repeats)} must have at least as many dims as self ${shapeToString(self.shape)}`);
  if (repeats.some((r) => typeof r === 'number' && r < 0)) args.fail(`repeats ${shapeToString(repeats)} must be non-negative`);
  const padded: Dim[] = [...new Array<Dim>(repeats.length - self.shape.length).fill(1), ...self.shape];
  try {
    return [tensorMeta(self.dtype, padded.map((size, i) => mulDims(size, repeats[i]!)))];
  } catch {
    return args.fail(`cannot repeat ${shapeToString(self.shape)} by ${shapeToString(repeats)}: symbolic sizes would multiply`);
  }
}

/** `expand_copy` and `repeat` (functional and out). */
export function expandOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::expand_copy(Tensor self, SymInt[] size, *, bool implicit=False) -> Tensor',
      out: 'aten::expand_copy.out(Tensor self, SymInt[] size, *, bool implicit=False, Tensor(a!) out) -> Tensor(a!)',
      infer: expandMeta,
      compute(args, [out]: Tensor[]) {
        const self = args.tensor('self');
        requireSameDtype(args, self, out!);
        copyStrided(self.data, 0, broadcastStrides(self.shape, out!.shape), out!.shape, out!.data);
      },
    }),
    ...defineOperator({
      functional: 'aten::repeat(Tensor self, SymInt[] repeats) -> Tensor',
      out: 'aten::repeat.out(Tensor self, SymInt[] repeats, *, Tensor(a!) out) -> Tensor(a!)',
      infer: repeatMeta,
      compute(args, [out]: Tensor[]) {
        const self = args.tensor('self');
        requireSameDtype(args, self, out!);
        const repeats = args.ints('repeats');
        const padded = [...new Array<number>(repeats.length - self.rank).fill(1), ...self.shape];
        const strides = stridesOf(padded);
        // Out viewed as [r0, s0, r1, s1, …]: the repeat index has stride 0 in the source.
        const shape = padded.flatMap((size, i) => [repeats[i]!, size]);
        copyStrided(self.data, 0, strides.flatMap((stride) => [0, stride]), shape, out!.data);
      },
    }),
  ];
}
