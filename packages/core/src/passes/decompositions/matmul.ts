/**
 * `aten::matmul` → `mm` or `bmm` with views, as torch itself computes it: a matrix or vector right
 * operand folds the left operand's leading dims into rows (one `mm`); otherwise both operands are
 * expanded to the broadcast batch dims, flattened to 3-D, multiplied with `bmm` and viewed back.
 */

import { ShapeError } from '../../errors.js';
import { type Argument, type NodeArgument, int } from '../../ir/argument.js';
import type { GraphBuilder } from '../../ir/builder.js';
import { type Decomposition, valueArg } from './decomposition.js';
import { leadingRows } from './linear.js';

/** The product of size arguments: an int, or one symbolic size times the static rest. */
function productOf(b: GraphBuilder, sizes: readonly Argument[]): Argument {
  const dynamic = sizes.filter((size) => size.kind !== 'int');
  const staticProduct = sizes.reduce((n, size) => (size.kind === 'int' ? n * size.value : n), 1);
  if (dynamic.length === 0) return int(staticProduct);
  if (dynamic.length > 1) throw new ShapeError('matmul over more than one dynamic batch dim is not supported');
  return staticProduct === 1 ? dynamic[0]! : b.op('executorch_prim::mul.Scalar', dynamic[0]!, int(staticProduct));
}

function sizesOf(b: GraphBuilder, value: NodeArgument, from: number, to: number): Argument[] {
  return Array.from({ length: to - from }, (_, i) => b.size(value, from + i));
}

/** Size of broadcast batch dim `d` (counted from the end) of two operands' batch dims. */
function batchSize(b: GraphBuilder, left: NodeArgument, right: NodeArgument, fromEnd: number): Argument {
  for (const operand of [left, right]) {
    const shape = b.shape(operand);
    const index = shape.length - 3 - fromEnd;
    if (index >= 0 && shape[index] !== 1) return b.size(operand, index);
  }
  return int(1);
}

export const decomposeMatmul: Decomposition = (b, node) => {
  const left = valueArg(node, 0);
  const right = valueArg(node, 1);
  const leftRank = b.shape(left).length;
  const rightRank = b.shape(right).length;
  if (leftRank === 2 && rightRank === 2) return [b.op('aten::mm', left, right)];
  if (rightRank <= 2) {
    const inner = b.size(left, -1);
    const rows = leftRank === 1 ? b.op('aten::view_copy', left, [int(1), inner]) : leftRank === 2 ? left : b.op('aten::view_copy', left, [leadingRows(b, left), inner]);
    const matrix = rightRank === 1 ? b.op('aten::view_copy', right, [b.size(right, 0), int(1)]) : right;
    const product = b.op('aten::mm', rows, matrix);
    const sizes = [...(leftRank >= 2 ? sizesOf(b, left, 0, leftRank - 1) : []), ...(rightRank === 2 ? [b.size(right, 1)] : [])];
    return [b.op('aten::view_copy', product, sizes)];
  }
  const leftMatrix = leftRank === 1 ? b.op('aten::unsqueeze_copy', left, int(0)) : left;
  const batchRank = Math.max(b.shape(leftMatrix).length, rightRank) - 2;
  const batch = Array.from({ length: batchRank }, (_, i) => batchSize(b, leftMatrix, right, batchRank - 1 - i));
  const flatBatch = productOf(b, batch);
  const rows = b.size(leftMatrix, -2);
  const inner = b.size(leftMatrix, -1);
  const columns = b.size(right, -1);
  const expandedLeft = b.op('aten::expand_copy', leftMatrix, [...batch, rows, inner]);
  const expandedRight = b.op('aten::expand_copy', right, [...batch, inner, columns]);
  const product = b.op(
    'aten::bmm',
    b.op('aten::view_copy', expandedLeft, [flatBatch, rows, inner]),
    b.op('aten::view_copy', expandedRight, [flatBatch, inner, columns]),
  );
  return [b.op('aten::view_copy', product, [...batch, ...(leftRank === 1 ? [] : [rows]), columns])];
};
