/**
 * `aten::linear(x, W, b)` → `mm`/`addmm` with a transposed weight (folded into a constant by
 * constant folding), flattening leading dims to 2-D and restoring them after, as ExecuTorch's
 * portable library has no linear kernel.
 */

import { type Argument, type NodeArgument, int } from '../../ir/argument.js';
import type { GraphBuilder } from '../../ir/builder.js';
import { type Decomposition, literal, valueArg } from './decomposition.js';

/** Product of the leading dims of `input` as an argument: an int, or a symbolic size. */
export function leadingRows(b: GraphBuilder, input: NodeArgument): Argument {
  const leading = b.shape(input).slice(0, -1);
  const dynamic = leading.map((d, i) => (typeof d === 'number' ? -1 : i)).filter((i) => i >= 0);
  const staticProduct = leading.reduce<number>((n, d) => (typeof d === 'number' ? n * d : n), 1);
  if (dynamic.length === 0) return int(staticProduct);
  if (dynamic.length > 1) throw new Error('linear over more than one dynamic leading dim is not supported');
  const size = b.size(input, dynamic[0]!);
  return staticProduct === 1 ? size : b.op('executorch_prim::mul.Scalar', size, int(staticProduct));
}

export const decomposeLinear: Decomposition = (b, node) => {
  const input = valueArg(node, 0);
  const weight = valueArg(node, 1);
  const bias = literal(node, 2);
  const shape = b.shape(input);
  const transposed = b.op('aten::permute_copy', weight, [int(1), int(0)]);
  const flat = shape.length === 2 ? input : b.op('aten::view_copy', input, [leadingRows(b, input), b.size(input, -1)]);
  const product = bias.kind === 'none' ? b.op('aten::mm', flat, transposed) : b.op('aten::addmm', bias, flat, transposed);
  if (shape.length === 2) return [product];
  const sizes = shape.slice(0, -1).map((_, i) => b.size(input, i));
  return [b.op('aten::view_copy', product, [...sizes, b.size(weight, 0)])];
};
