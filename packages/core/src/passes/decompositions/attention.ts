/**
 * `aten::scaled_dot_product_attention` → the eager formulation Hugging Face's attention uses,
 * in ops the portable library has: `bmm(q, kᵀ)·scale`, mask (`where` for boolean masks, `add`
 * for additive ones), `_softmax`, `bmm(·, v)`. Grouped-query attention repeats key/value heads
 * with `unsqueeze`/`expand`/`view` exactly as `repeat_kv` does.
 */

import { ShapeError } from '../../errors.js';
import { type NodeArgument, int } from '../../ir/argument.js';
import type { GraphBuilder } from '../../ir/builder.js';
import { ScalarType } from '../../scalar-type.js';
import { type Decomposition, literal, valueArg } from './decomposition.js';

function staticDim(b: GraphBuilder, value: NodeArgument, dim: number, what: string): number {
  const d = b.shape(value)[dim];
  if (typeof d !== 'number') throw new ShapeError(`scaled_dot_product_attention: ${what} must be static`);
  return d;
}

/** `[B, Hkv, L, D]` → `[B·H, L, D]`, repeating each key/value head `H / Hkv` times. */
function flattenHeads(b: GraphBuilder, value: NodeArgument, heads: number): NodeArgument {
  const batch = staticDim(b, value, 0, 'batch');
  const kvHeads = staticDim(b, value, 1, 'key/value heads');
  const depth = b.size(value, 3);
  const length = b.size(value, 2);
  let expanded = value;
  if (heads !== kvHeads) {
    if (heads % kvHeads !== 0) throw new ShapeError(`scaled_dot_product_attention: ${heads} query heads do not divide into ${kvHeads} key/value heads`);
    const unsqueezed = b.op('aten::unsqueeze_copy', value, int(2));
    expanded = b.op('aten::expand_copy', unsqueezed, [int(batch), int(kvHeads), int(heads / kvHeads), length, depth]);
  }
  return b.op('aten::view_copy', expanded, [int(batch * heads), length, depth]);
}

export const decomposeScaledDotProductAttention: Decomposition = (b, node) => {
  const query = valueArg(node, 0);
  const key = valueArg(node, 1);
  const value = valueArg(node, 2);
  const mask = literal(node, 3);
  const isCausal = literal(node, 5);
  const scaleArg = literal(node, 6);
  if (isCausal.kind === 'bool' && isCausal.value) {
    throw new ShapeError('scaled_dot_product_attention with is_causal=True is not decomposed: pass an explicit mask', { node: node.name });
  }
  const batch = staticDim(b, query, 0, 'batch');
  const heads = staticDim(b, query, 1, 'query heads');
  const headDim = staticDim(b, query, 3, 'head dim');
  const scale = scaleArg.kind === 'float' ? scaleArg.value : 1 / Math.sqrt(headDim);
  const queries = b.size(query, 2);
  const keys = b.size(key, 2);

  const q = b.op('aten::view_copy', query, [int(batch * heads), queries, int(headDim)]);
  const k = flattenHeads(b, key, heads);
  const v = flattenHeads(b, value, heads);
  const keysTransposed = b.op('aten::permute_copy', k, [int(0), int(2), int(1)]);
  const scores = b.op('aten::mul.Scalar', b.op('aten::bmm', q, keysTransposed), scale);
  let weights: NodeArgument = scores;
  if (mask.kind === 'node') {
    const scores4 = b.op('aten::view_copy', scores, [int(batch), int(heads), queries, keys]);
    const masked =
      b.dtype(mask) === ScalarType.BOOL
        ? b.op('aten::where.self', mask, scores4, b.op('aten::scalar_tensor', -Infinity))
        : b.op('aten::add.Tensor', scores4, mask);
    weights = b.op('aten::view_copy', masked, [int(batch * heads), queries, keys]);
  }
  const probabilities = b.op('aten::_softmax', weights, int(-1), false);
  const attended = b.op('aten::bmm', probabilities, v);
  return [b.op('aten::view_copy', attended, [int(batch), int(heads), queries, b.size(value, 3)])];
};
