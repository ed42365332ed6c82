/**
 * `aten::scaled_dot_product_attention` → the eager formulation Hugging Face's attention uses,
 * in ops the portable library has: `bmm(q, kᵀ)·scale`, plus an additive mask (a boolean one
 * turned into 0/-inf first), `_softmax`, `bmm(·, v)`. Grouped-query attention groups the query
 * heads of each key/value head instead of repeating keys and values as `repeat_kv` does: the
 * same dot products, without copying the cache.
 */

import { ShapeError } from '../../errors.js';
import { type Argument, type NodeArgument, dtype, int } from '../../ir/argument.js';
import type { GraphBuilder } from '../../ir/builder.js';
import { ScalarType } from '../../scalar-type.js';
import { type Decomposition, literal, valueArg } from './decomposition.js';

function staticDim(b: GraphBuilder, value: NodeArgument, dim: number, what: string): number {
  const d = b.shape(value)[dim];
  if (typeof d !== 'number') throw new ShapeError(`scaled_dot_product_attention: ${what} must be static`);
  return d;
}

/** `count · length` as a size argument: a literal when static, else `-1` for the view to infer. */
function scaledLength(length: Argument, count: number): Argument {
  return length.kind === 'int' ? int(count * length.value) : int(-1);
}

/** View sizes with their one run-time size (if any) left for the view to infer as `-1`. */
function viewSizes(sizes: readonly Argument[]): Argument[] {
  const dynamic = sizes.filter((size) => size.kind !== 'int').length;
  return dynamic === 1 ? sizes.map((size) => (size.kind === 'int' ? size : int(-1))) : [...sizes];
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
  const kvHeads = staticDim(b, key, 1, 'key/value heads');
  if (heads % kvHeads !== 0) throw new ShapeError(`scaled_dot_product_attention: ${heads} query heads do not divide into ${kvHeads} key/value heads`, { node: node.name });
  const groups = heads / kvHeads;
  const scale = scaleArg.kind === 'float' ? scaleArg.value : 1 / Math.sqrt(headDim);
  const queries = b.size(query, 2);
  const keys = b.size(key, 2);
  const groupedQueries = scaledLength(queries, groups);

  // Query heads h = j·G + g share key/value head j, so [B, H, S, D] viewed as [B·Hkv, G·S, D]
  // lines every query up with its own key/value head: no key/value copies are needed.
  const q = b.op('aten::view_copy', query, [int(batch * kvHeads), groupedQueries, int(headDim)]);
  const k = b.op('aten::view_copy', key, viewSizes([int(batch * kvHeads), keys, b.size(key, 3)]));
  const v = b.op('aten::view_copy', value, viewSizes([int(batch * kvHeads), keys, b.size(value, 3)]));
  const keysTransposed = b.op('aten::permute_copy', k, [int(0), int(2), int(1)]);
  const scores = b.op('aten::mul.Scalar', b.op('aten::bmm', q, keysTransposed), scale);
  let weights: NodeArgument = scores;
  if (mask.kind === 'node') {
    const scores5 = b.op('aten::view_copy', scores, viewSizes([int(batch), int(kvHeads), int(groups), queries, keys]));
    const mask5 = groupedMask(b, mask, heads, kvHeads, node.name);
    // A boolean mask becomes additive (0 where allowed, -inf where not), so the scores only
    // need an add: exactly `where(mask, scores, -inf)`, in an operator every backend has.
    const scalar = (value: number) => b.opNamed('aten::scalar_tensor', [value], { dtype: dtype(b.dtype(scores)) });
    const additive = b.dtype(mask5) === ScalarType.BOOL ? b.op('aten::where.self', mask5, scalar(0), scalar(-Infinity)) : mask5;
    const masked = b.op('aten::add.Tensor', scores5, additive);
    weights = b.op('aten::view_copy', masked, viewSizes([int(batch * kvHeads), groupedQueries, keys]));
  }
  const probabilities = b.op('aten::_softmax', weights, int(-1), false);
  const attended = b.op('aten::bmm', probabilities, v);
  return [b.op('aten::view_copy', attended, viewSizes([int(batch), int(heads), queries, b.size(value, 3)]))];
};

/** A mask broadcastable to `[B, H, S, T]`, made broadcastable to `[B, Hkv, G, S, T]`. */
function groupedMask(b: GraphBuilder, mask: NodeArgument, heads: number, kvHeads: number, where: string): NodeArgument {
  const shape = b.shape(mask);
  if (shape.length <= 2) return mask;
  const maskHeads = shape.length === 4 ? shape[1] : shape[0];
  if (maskHeads === 1) return b.op('aten::unsqueeze_copy', mask, int(shape.length === 4 ? 2 : 0));
  if (maskHeads === heads && shape.length === 4) {
    return b.op('aten::view_copy', mask, viewSizes([b.size(mask, 0), int(kvHeads), int(heads / kvHeads), b.size(mask, 2), b.size(mask, 3)]));
  }
  throw new ShapeError(`scaled_dot_product_attention: a mask of shape [${shape.join(', ')}] does not broadcast over ${heads} heads`, { node: where });
}
