/**
 * Softmax over the last dimension → XNNPACK softmax (which always normalizes the innermost
 * dimension): `aten::_softmax(x, dim, half_to_float=False)` and `aten::softmax.int(x, dim)`.
 */

import type { Node } from '@etch/core';
import { type SupportContext, numberOf } from '../partition/support-context.js';
import { type Support, type XnnpackOperator, declined, supported } from './operator.js';

function checkSoftmax(node: Node, context: SupportContext): Support {
  const rank = context.rank(node.args[0]);
  const dim = numberOf(node.args[1]);
  if (!context.producesFloat(node) || !context.isFloatTensor(node.args[0]) || rank === undefined) return declined('input must be fp32');
  if (dim === undefined || (dim !== -1 && dim !== rank - 1)) return declined('XNNPACK normalizes only the last dimension');
  if (node.target === 'aten::_softmax' && node.args[2]?.kind === 'bool' && node.args[2].value) return declined('half_to_float is not supported');
  if (node.target === 'aten::softmax.int' && node.args[2] && node.args[2].kind !== 'none') return declined('a dtype conversion is not supported');
  return supported;
}

/** The softmax operator entries. */
export function softmaxOperators(): XnnpackOperator[] {
  return ['aten::_softmax', 'aten::softmax.int'].map((target) => ({
    target,
    check: checkSoftmax,
    lower(node, builder) {
      builder.add({ kind: 'Softmax', inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
    },
  }));
}
