/**
 * Public forms that ExecuTorch runs through their private kernels: `layer_norm` →
 * `native_layer_norm` (output 0), `softmax.int`/`log_softmax.int` → `_softmax`/`_log_softmax`
 * (after an `_to_copy` when a dtype is requested).
 */

import { bool } from '../../ir/argument.js';
import { type Decomposition, literal, valueArg } from './decomposition.js';

export const decomposeLayerNorm: Decomposition = (b, node) => {
  const [output] = b.call('aten::native_layer_norm', [valueArg(node, 0), literal(node, 1), literal(node, 2), literal(node, 3), literal(node, 4)]);
  return [output!];
};

function softmaxLike(target: string): Decomposition {
  return (b, node) => {
    let input = valueArg(node, 0);
    const dtype = literal(node, 2);
    if (dtype.kind === 'dtype' && dtype.value !== b.dtype(input)) input = b.opNamed('aten::_to_copy', [input], { dtype });
    return [b.op(target, input, literal(node, 1), bool(false))];
  };
}

export const decomposeSoftmax = softmaxLike('aten::_softmax');
export const decomposeLogSoftmax = softmaxLike('aten::_log_softmax');
