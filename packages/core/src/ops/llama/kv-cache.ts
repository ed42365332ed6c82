/**
 * `llama::update_cache` and `llama::update_cache_with_indices`: write a block of projected keys or
 * values `[B, S, H_kv, D]` into a static KV cache `[B, max_ctx, H_kv, D]` along the sequence dim,
 * at `start_pos` or at per-token positions `indices [B, S]` (`extension/llm/custom_ops/
 * op_update_cache.cpp`). The cache is mutated in place; the returned tensor is the placeholder
 * upstream declares (shape [1], never read).
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { dimEquals, dimToString, shapeToString } from '../../ir/sym.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';

/** Shape rule shared by both cache updates: validates, and returns the [1] placeholder. */
function cacheUpdateMeta(withIndices: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const value = args.tensor('value');
    const cache = args.tensor('cache');
    if (value.shape.length !== 4) args.fail(`value must be 4-D [B, S, H, D], got ${shapeToString(value.shape)}`);
    if (cache.shape.length !== 4) args.fail(`cache must be 4-D [B, max_ctx, H, D], got ${shapeToString(cache.shape)}`);
    if (value.dtype !== cache.dtype) args.fail(`value (${scalarTypeName(value.dtype)}) and cache (${scalarTypeName(cache.dtype)}) must share a dtype`);
    for (const dim of [0, 2, 3]) {
      if (!dimEquals(value.shape[dim]!, cache.shape[dim]!)) {
        args.fail(`value ${shapeToString(value.shape)} and cache ${shapeToString(cache.shape)} differ at dim ${dim}`);
      }
    }
    if (withIndices) {
      const indices = args.tensor('indices');
      if (indices.dtype !== ScalarType.LONG) args.fail(`indices must be int64, got ${scalarTypeName(indices.dtype)}`);
      if (indices.shape.length !== 2 || !dimEquals(indices.shape[0]!, value.shape[0]!) || !dimEquals(indices.shape[1]!, value.shape[1]!)) {
        args.fail(`indices ${shapeToString(indices.shape)} must be [B, S] of value ${shapeToString(value.shape)}`);
      }
    } else {
      const start = args.value('start_pos');
      const capacity = cache.shape[1]!;
      const length = value.shape[1]!;
      if (start.kind === 'int' && typeof start.value === 'number' && typeof capacity === 'number' && typeof length === 'number') {
        if (start.value < 0 || start.value + length > capacity) {
          args.fail(`start_pos ${start.value} + seq_len ${length} exceeds the cache length ${dimToString(capacity)}`);
        }
      }
    }
    return [tensorMeta(value.dtype, [1])];
  };
}

function checkRuntimeShapes(args: RuntimeArgs, value: Tensor, cache: Tensor): void {
  if (value.rank !== 4 || cache.rank !== 4) args.fail(`value and cache must be 4-D, got [${value.shape}] and [${cache.shape}]`);
  if (value.dtype !== cache.dtype) args.fail('value and cache must share a dtype');
  for (const dim of [0, 2, 3]) {
    if (value.shape[dim] !== cache.shape[dim]) args.fail(`value [${value.shape.join(', ')}] and cache [${cache.shape.join(', ')}] differ at dim ${dim}`);
  }
}

/** Copies value[b, s] into cache[b, position(b, s)] for every batch line and token. */
export function writeCacheRows(value: Tensor, cache: Tensor, position: (batch: number, token: number) => number): void {
  const [batch, length, heads, dim] = value.shape as [number, number, number, number];
  const rowSize = heads * dim;
  const capacity = cache.shape[1]!;
  const source = value.data;
  const target = cache.data;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < length; s++) {
      const from = (b * length + s) * rowSize;
      target.set(source.subarray(from, from + rowSize) as never, (b * capacity + position(b, s)) * rowSize);
    }
  }
}

function updateCache(args: RuntimeArgs): void {
  const value = args.tensor('value');
  const cache = args.tensor('cache');
  const start = args.int('start_pos');
  checkRuntimeShapes(args, value, cache);
  if (start < 0 || start + value.shape[1]! > cache.shape[1]!) {
    args.fail(`start_pos ${start} + seq_len ${value.shape[1]} exceeds the cache length ${cache.shape[1]}`);
  }
  writeCacheRows(value, cache, (_, s) => start + s);
}

function updateCacheWithIndices(args: RuntimeArgs): void {
  const value = args.tensor('value');
  const cache = args.tensor('cache');
  const indices = args.tensor('indices');
  checkRuntimeShapes(args, value, cache);
  if (indices.dtype !== ScalarType.LONG || indices.rank !== 2 || indices.shape[0] !== value.shape[0] || indices.shape[1] !== value.shape[1]) {
    args.fail(`indices must be int64 [B, S] = [${value.shape[0]}, ${value.shape[1]}], got ${scalarTypeName(indices.dtype)} [${indices.shape.join(', ')}]`);
  }
  const positions = indices.data as BigInt64Array;
  const capacity = cache.shape[1]!;
  const length = value.shape[1]!;
  for (const position of positions) {
    if (position < 0n || position >= BigInt(capacity)) args.fail(`index ${position} out of bounds for a cache of length ${capacity}`);
  }
  writeCacheRows(value, cache, (b, s) => Number(positions[b * length + s]!));
}

/** `update_cache` and `update_cache_with_indices`, functional and `.out`. */
export function kvCacheOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'llama::update_cache(Tensor value, Tensor(a!) cache, SymInt start_pos) -> Tensor',
      out: 'llama::update_cache.out(Tensor value, Tensor(a!) cache, SymInt start_pos, *, Tensor(b!) out) -> Tensor(b!)',
      infer: cacheUpdateMeta(false),
      compute: (args) => updateCache(args),
    }),
    ...defineOperator({
      functional: 'llama::update_cache_with_indices(Tensor value, Tensor(a!) cache, SymInt start_pos, Tensor indices) -> Tensor',
      out: 'llama::update_cache_with_indices.out(Tensor value, Tensor(a!) cache, SymInt start_pos, Tensor indices, *, Tensor(b!) out) -> Tensor(b!)',
      infer: cacheUpdateMeta(true),
      compute: (args) => updateCacheWithIndices(args),
    }),
  ];
}
