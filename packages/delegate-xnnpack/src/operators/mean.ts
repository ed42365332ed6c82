/**
 * `aten::mean.dim` over the last dimension (RMSNorm's variance) → a fully connected layer whose
 * filter is one row of 1/n: XNNPACK's schema has no general reduction, and this keeps whole
 * normalization blocks inside one partition. Without keepdim, a reshape drops the unit dimension.
 */

import type { Argument, Node, NodeArgument } from '@etch/core';
import { type SupportContext, numberOf } from '../partition/support-context.js';
import { type Support, type XnnpackOperator, declined, supported } from './operator.js';

function lastDimension(node: Node, context: SupportContext): number | undefined {
  const rank = context.rank(node.args[0]);
  const dims = node.args[1] as Argument | undefined;
  if (rank === undefined || dims?.kind !== 'list' || dims.items.length !== 1) return undefined;
  const dim = numberOf(dims.items[0]);
  if (dim === undefined || (dim !== -1 && dim !== rank - 1)) return undefined;
  return rank - 1;
}

function checkMean(node: Node, context: SupportContext): Support {
  if (!context.producesFloat(node) || !context.isFloatTensor(node.args[0])) return declined('input must be fp32');
  if (node.args[3] && node.args[3].kind !== 'none') return declined('a dtype conversion is not supported');
  const last = lastDimension(node, context);
  if (last === undefined) return declined('only a mean over the last dimension');
  const width = context.staticShape(node.args[0])?.[last] ?? context.tensor(node.args[0])!.shape[last];
  return typeof width === 'number' && width > 0 ? supported : declined('the reduced dimension is symbolic');
}

/** The mean operator entry. */
export function meanOperators(): XnnpackOperator[] {
  return [
    {
      target: 'aten::mean.dim',
      check: checkMean,
      lower(node, builder) {
        const input = node.args[0] as NodeArgument;
        const dims = builder.dimsOf(input);
        const width = dims[dims.length - 1]!;
        const filter = builder.floatConstantOf(new Float32Array(width).fill(Math.fround(1 / width)), [1, width]);
        const keepdim = node.args[2]?.kind === 'bool' && node.args[2].value;
        const output = keepdim ? builder.result(node) : builder.internal([...dims.slice(0, -1), 1]);
        builder.add({ kind: 'FullyConnected', input1Id: builder.valueOf(input), filterId: filter, biasId: 0xffffffff, outputId: output, flags: 0 });
        if (!keepdim) {
          const shape = node.outputs[0]!.kind === 'tensor' ? node.outputs[0].shape.map((d) => (typeof d === 'number' ? d : 0)) : [];
          builder.add({ kind: 'StaticReshape', numDims: shape.length, newShape: shape, inputId: output, outputId: builder.result(node), flags: 0 });
        }
      },
    },
  ];
}
