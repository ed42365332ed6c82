/**
 * `constant_pad_nd`: pads (or, with negative amounts, crops) the trailing dims, `pad` listing
 * `[before, after]` pairs from the last dim backwards, new elements set to `value`.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, addDims, shapeToString } from '../../ir/sym.js';
import { storeValue } from '../../kernels/access.js';
import { type Tensor, stridesOf } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import type { Failing } from './dims.js';
import { requireSameDtype } from './operands.js';

/** `[before, after]` per dim, in dim order (zeros for dims `pad` does not reach). */
function padsPerDim(where: Failing, pad: readonly number[], rank: number): [number, number][] {
  if (pad.length % 2 !== 0) where.fail(`pad must have an even length, got ${pad.length}`);
  if (pad.length / 2 > rank) where.fail(`pad of length ${pad.length} reaches more dims than the ${rank} of the input`);
  const result = Array.from({ length: rank }, (): [number, number] => [0, 0]);
  for (let i = 0; i < pad.length / 2; i++) result[rank - 1 - i] = [pad[2 * i]!, pad[2 * i + 1]!];
  return result;
}

function padMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const pads = padsPerDim(args, args.ints('pad'), self.shape.length);
  const shape = self.shape.map((size, d): Dim => addDims(size, pads[d]![0] + pads[d]![1]));
  if (shape.some((d) => typeof d === 'number' && d < 0)) args.fail(`padding ${shapeToString(self.shape)} by [${args.ints('pad').join(', ')}] gives a negative size`);
  return [tensorMeta(self.dtype, shape)];
}

function padCompute(args: RuntimeArgs, [out]: Tensor[]): void {
  const self = args.tensor('self');
  requireSameDtype(args, self, out!);
  const pads = padsPerDim(args, args.ints('pad'), self.rank);
  const target = out!.data as Float64Array;
  const source = self.data as Float64Array;
  target.fill(storeValue(out!.dtype, args.float('value')) as number);
  const sourceStrides = stridesOf(self.shape);
  const targetStrides = stridesOf(out!.shape);
  // The overlap of input and output, per dim: where it starts in each and how long it is.
  const from = pads.map(([before]) => Math.max(0, -before));
  const to = pads.map(([before]) => Math.max(0, before));
  const length = self.shape.map((size, d) => Math.max(0, Math.min(size - from[d]!, out!.shape[d]! - to[d]!)));
  if (length.some((n) => n === 0) || self.rank === 0) {
    if (self.rank === 0) target[0] = source[0]!;
    return;
  }
  const rank = self.rank;
  const counter = new Array<number>(rank - 1).fill(0);
  const rows = length.slice(0, -1).reduce((a, b) => a * b, 1);
  const row = length[rank - 1]!;
  for (let r = 0; r < rows; r++) {
    let read = from[rank - 1]!;
    let write = to[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) {
      read += (from[d]! + counter[d]!) * sourceStrides[d]!;
      write += (to[d]! + counter[d]!) * targetStrides[d]!;
    }
    target.set(source.subarray(read, read + row), write);
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d]! < length[d]!) break;
      counter[d] = 0;
    }
  }
}

/** `constant_pad_nd` (functional and out). */
export function padOperators(): OperatorDefinition[] {
  return defineOperator({
    functional: 'aten::constant_pad_nd(Tensor self, SymInt[] pad, Scalar value=0) -> Tensor',
    out: 'aten::constant_pad_nd.out(Tensor self, SymInt[] pad, Scalar value=0, *, Tensor(a!) out) -> Tensor(a!)',
    infer: padMeta,
    compute: padCompute,
  });
}
