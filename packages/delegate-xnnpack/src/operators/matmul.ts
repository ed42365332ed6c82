/**
 * Matrix products of two run-time fp32 tensors → XNNPACK batch matrix multiply: `aten::bmm`
 * directly (reading a transposed right-hand side in place), `aten::mm` through [1, m, k] × [1, k, n] reshapes (XNNPACK's batch matmul wants a
 * batch dimension), and `aten::mm` with a constant right-hand side as a fully connected layer
 * with transposed weights.
 */

import type { Argument, Node, NodeArgument } from '@etch/core';
import { FLAG_TRANSPOSE_WEIGHTS } from '../format/xnn-graph.js';
import type { XnnGraphBuilder } from '../lower/xnn-graph-builder.js';
import type { SupportContext } from '../partition/support-context.js';
import { type Support, type XnnpackOperator, declined, supported } from './operator.js';

function checkMatmul(rank: number) {
  return (node: Node, context: SupportContext): Support => {
    const [a, b] = node.args;
    if (!context.producesFloat(node) || !context.isFloatTensor(a) || !context.isFloatTensor(b)) return declined('operands must be fp32');
    if (context.rank(a) !== rank || context.rank(b) !== rank) return declined(`operands must be ${rank}-D`);
    return supported;
  };
}

function lowerMm(node: Node, builder: XnnGraphBuilder, context: SupportContext): void {
  const [a, b] = node.args as [NodeArgument, NodeArgument];
  if (context.isConstant(b)) {
    builder.add({ kind: 'FullyConnected', input1Id: builder.valueOf(a), filterId: builder.valueOf(b), biasId: 0xffffffff, outputId: builder.result(node), flags: 1 });
    return;
  }
  const reshaped = (arg: NodeArgument) => {
    const dims = builder.dimsOf(arg);
    const id = builder.internal([1, ...dims]);
    builder.add({ kind: 'StaticReshape', numDims: 3, newShape: [1, ...dims.map((d, i) => (i === 0 ? 0 : d))], inputId: builder.valueOf(arg), outputId: id, flags: 0 });
    return id;
  };
  const left = reshaped(a);
  const right = reshaped(b);
  const [m] = builder.dimsOf(a);
  const [, n] = builder.dimsOf(b);
  const product = builder.internal([1, m!, n!]);
  builder.add({ kind: 'BatchMatrixMultiply', input1Id: left, input2Id: right, outputId: product, flags: 0 });
  builder.add({ kind: 'StaticReshape', numDims: 2, newShape: [0, n!], inputId: product, outputId: builder.result(node), flags: 0 });
}

/** The literal ints of a list argument (or a single int). */
function integers(arg: Argument | undefined): number[] | undefined {
  if (arg?.kind === 'int') return [arg.value];
  if (arg?.kind !== 'list' || !arg.items.every((item) => item.kind === 'int')) return undefined;
  return arg.items.map((item) => (item as { value: number }).value);
}

/**
 * The node behind `bmm(a, permute(b, [0, 2, 1]))` (or `transpose(b, 1, 2)`) when nothing else uses
 * it: the product then reads `b` with XNNPACK's transpose-B flag instead of copying it.
 */
function transposedOperand(bmm: Node, context: SupportContext): Node | undefined {
  const node = context.producer(bmm.args[1]);
  if (!node || !context.isFloatTensor(node.args[0]) || !context.usersOf(node).every((user) => user === bmm)) return undefined;
  if (node.target === 'aten::permute_copy') return JSON.stringify(integers(node.args[1])?.map((d) => (d + 3) % 3)) === '[0,2,1]' ? node : undefined;
  if (node.target === 'aten::transpose_copy.int') {
    const dims = [...(integers(node.args[1]) ?? []), ...(integers(node.args[2]) ?? [])].map((d) => (d + 3) % 3).sort();
    return JSON.stringify(dims) === '[1,2]' ? node : undefined;
  }
  return undefined;
}

function checkBmm(node: Node, context: SupportContext): Support {
  const verdict = checkMatmul(3)(node, context);
  if (!verdict.supported) return verdict;
  const transposed = transposedOperand(node, context);
  return transposed ? { supported: true, absorbs: [transposed] } : verdict;
}

function lowerBmm(node: Node, builder: XnnGraphBuilder, context: SupportContext): void {
  const transposed = transposedOperand(node, context);
  builder.add({
    kind: 'BatchMatrixMultiply',
    input1Id: builder.valueOf(node.args[0]),
    input2Id: builder.valueOf(transposed ? transposed.args[0] : node.args[1]),
    outputId: builder.result(node),
    flags: transposed ? FLAG_TRANSPOSE_WEIGHTS : 0,
  });
}

/** The matrix product operator entries. */
export function matmulOperators(): XnnpackOperator[] {
  return [
    { target: 'aten::mm', check: checkMatmul(2), lower: lowerMm },
    { target: 'aten::bmm', check: checkBmm, lower: lowerBmm },
  ];
}
