/**
 * `topk`: the `k` largest (or smallest) elements along a dim with their indices, sorted, ties
 * in index order and NaN ranked above every number, as torch's CPU kernel orders them.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { readNumbers, writeNumbers } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { splitAround, wrapDimension } from './dims.js';

function topkMeta(args: MetaArgs): TensorMeta[] {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.shape.length);
  const k = args.dim('k');
  const size = self.shape[dim] ?? 1;
  if (typeof k === 'number' && (k < 0 || (typeof size === 'number' && k > size))) args.fail(`k ${k} is out of range for a dim of size ${String(size)}`);
  const shape = self.shape.length === 0 ? [] : self.shape.map((d, i) => (i === dim ? k : d));
  return [tensorMeta(self.dtype, shape), tensorMeta(ScalarType.LONG, shape)];
}

function topkCompute(args: RuntimeArgs, [values, indices]: Tensor[]): void {
  const self = args.tensor('self');
  const dim = wrapDimension(args, args.int('dim'), self.rank);
  const k = args.int('k');
  const largest = args.bool('largest');
  const [outer, size, inner] = splitAround(self.shape, dim);
  if (k < 0 || k > size) args.fail(`k ${k} is out of range for a dim of size ${size}`);
  const data = readNumbers(self);
  const bestValues = new Float64Array(outer * k * inner);
  const bestIndices = new Float64Array(outer * k * inner);
  const order = Array.from({ length: size }, (_, i) => i);
  const column = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < size; j++) column[j] = data[(o * size + j) * inner + i]!;
      for (let j = 0; j < size; j++) order[j] = j;
      order.sort((a, b) => {
        const x = column[a]!;
        const y = column[b]!;
        // NaN ranks above every number for `largest` and below it otherwise.
        if (x !== x && y !== y) return a - b;
        if (x !== x) return largest ? -1 : 1;
        if (y !== y) return largest ? 1 : -1;
        const difference = largest ? y - x : x - y;
        return difference !== 0 ? difference : a - b;
      });
      for (let j = 0; j < k; j++) {
        const at = (o * k + j) * inner + i;
        bestValues[at] = column[order[j]!]!;
        bestIndices[at] = order[j]!;
      }
    }
  }
  writeNumbers(values!, bestValues);
  writeNumbers(indices!, bestIndices);
}

/** `topk` (functional and `topk.values`). */
export function topkOperators(): OperatorDefinition[] {
  return defineOperator({
    functional: 'aten::topk(Tensor self, SymInt k, int dim=-1, bool largest=True, bool sorted=True) -> (Tensor values, Tensor indices)',
    out:
      'aten::topk.values(Tensor self, SymInt k, int dim=-1, bool largest=True, bool sorted=True, *, ' +
      'Tensor(a!) values, Tensor(b!) indices) -> (Tensor(a!) values, Tensor(b!) indices)',
    infer: topkMeta,
    compute: topkCompute,
  });
}
