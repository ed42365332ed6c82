/**
 * ExecuTorch's LLM attention ops over a static KV cache (`extension/llm/custom_ops/op_sdpa.cpp`,
 * `op_sdpa_impl.h`): `llama::custom_sdpa` (query `[B, S, H, D]` against the caches
 * `[B, max_ctx, H_kv, D]`), `llama::sdpa_with_kv_cache` (writes key/value into the caches at
 * `start_pos` first) and `llama::custom_quantized_sdpa` (int8 q/k/v with per-token scales and
 * zero points). Their semantics, which differ from `aten::scaled_dot_product_attention`:
 * - without a mask only the first `start_pos + S` cache rows are keys; `is_causal` lets query row i
 *   (absolute position `start_pos + i`) see keys `0 … start_pos + i`;
 * - a mask is a 2-D float `[S, max_ctx]` added to the scaled scores over the whole cache, and
 *   cannot be combined with `is_causal`;
 * - query head h reads key/value head `floor(h / (H / H_kv))` (grouped-query attention);
 * - `drpout_p` is ignored, as upstream ignores it; a fully masked row gives NaN, as upstream's
 *   flash-attention loop computes 0 · (1/0).
 */

import { type TensorMeta, tensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, shapeEquals, shapeToString } from '../../ir/sym.js';
import { floatView, scaledDotProductAttention, withFloatOutput } from '../../kernels/attention.js';
import { readNumbers } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { writeCacheRows } from './kv-cache.js';

const ACTIVATION_DTYPES: readonly ScalarType[] = [ScalarType.FLOAT, ScalarType.HALF, ScalarType.BFLOAT16];

/** Heads and sequence dims of a 4-D operand in either layout. */
interface Layout {
  /** true: [B, H, S, D] (`is_seq_at_dim_2`); false: [B, S, H, D]. */
  readonly headsFirst: boolean;
}

function sequenceDim(layout: Layout): number {
  return layout.headsFirst ? 2 : 1;
}

function headDim(layout: Layout): number {
  return layout.headsFirst ? 1 : 2;
}

/** The tensors an attention call reads: query, the key and value caches, the optional mask. */
interface AttentionMetas {
  readonly query: TensorMeta;
  readonly key: TensorMeta;
  readonly value: TensorMeta;
  readonly mask: TensorMeta | null;
  readonly isCausal: boolean;
}

function attentionMetas(args: MetaArgs, key = 'key', value = 'value'): AttentionMetas {
  return {
    query: args.tensor('query'),
    key: args.tensor(key),
    value: args.tensor(value),
    mask: args.optionalTensor('attn_mask'),
    isCausal: args.bool('is_causal'),
  };
}

/** Validates query/key/value and the mask; returns the output meta (query's shape). */
function attentionMeta(args: MetaArgs, metas: AttentionMetas, layout: Layout, dtypes: readonly ScalarType[], outputDtype: ScalarType | null): TensorMeta[] {
  const { query, key, value, mask } = metas;
  for (const [name, meta] of [['query', query], ['key', key], ['value', value]] as const) {
    if (meta.shape.length !== 4) args.fail(`${name} must be 4-D, got ${shapeToString(meta.shape)}`);
    if (!dtypes.includes(meta.dtype)) args.fail(`${name} must be ${dtypes.map(scalarTypeName).join(' or ')}, got ${scalarTypeName(meta.dtype)}`);
  }
  if (key.dtype !== query.dtype || value.dtype !== query.dtype) args.fail('query, key and value must share a dtype');
  if (!shapeEquals(key.shape, value.shape)) args.fail(`key ${shapeToString(key.shape)} and value ${shapeToString(value.shape)} must have the same shape`);
  if (!dimEquals(query.shape[3]!, key.shape[3]!)) args.fail(`query ${shapeToString(query.shape)} and key ${shapeToString(key.shape)} differ in head size`);
  if (!dimEquals(query.shape[0]!, key.shape[0]!)) args.fail(`query ${shapeToString(query.shape)} and key ${shapeToString(key.shape)} differ in batch size`);
  const queryHeads = query.shape[headDim(layout)]!;
  const keyHeads = key.shape[headDim(layout)]!;
  if (typeof queryHeads === 'number' && typeof keyHeads === 'number' && (keyHeads === 0 || queryHeads % keyHeads !== 0)) {
    args.fail(`query heads (${queryHeads}) must be a multiple of key/value heads (${keyHeads})`);
  }
  if (mask) {
    if (metas.isCausal) args.fail('attn_mask and is_causal cannot be set at the same time');
    if (mask.dtype !== ScalarType.FLOAT) args.fail(`attn_mask must be float32, got ${scalarTypeName(mask.dtype)}`);
    const expected: Dim[] = [query.shape[sequenceDim(layout)]!, key.shape[sequenceDim(layout)]!];
    if (!shapeEquals(mask.shape, expected)) {
      args.fail(`attn_mask ${shapeToString(mask.shape)} must be [seq_len, cache_len] = ${shapeToString(expected)}`);
    }
  }
  return [tensorMeta(outputDtype ?? query.dtype, query.shape)];
}

/** Float operands of a cache attention call, in one layout. */
interface CacheAttention {
  readonly query: Float32Array | Float64Array;
  readonly key: Float32Array | Float64Array;
  readonly value: Float32Array | Float64Array;
  readonly queryShape: readonly number[];
  readonly keyShape: readonly number[];
  readonly layout: Layout;
}

/** Row offsets of every (batch, head) problem of a [B, S, H, D] or [B, H, S, D] tensor. */
function problemOffsets(shape: readonly number[], layout: Layout, heads: number, groups: number): { offsets: Int32Array; rowStride: number } {
  const [batch, , , dim] = shape as [number, number, number, number];
  const ownHeads = shape[headDim(layout)]!;
  const length = shape[sequenceDim(layout)]!;
  const headStride = layout.headsFirst ? length * dim : dim;
  const offsets = new Int32Array(batch * heads);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) offsets[b * heads + h] = b * ownHeads * length * dim + Math.floor(h / groups) * headStride;
  }
  return { offsets, rowStride: layout.headsFirst ? dim : ownHeads * dim };
}

/** Run-time checks of query and the key/value caches (the .pte may hold anything). */
function checkOperands(args: RuntimeArgs, query: Tensor, key: Tensor, value: Tensor, dtypes: readonly ScalarType[]): void {
  for (const [name, tensor] of [['query', query], ['key', key], ['value', value]] as const) {
    if (tensor.rank !== 4 || !dtypes.includes(tensor.dtype)) {
      args.fail(`${name} must be a 4-D ${dtypes.map(scalarTypeName).join('/')} tensor, got ${scalarTypeName(tensor.dtype)} [${tensor.shape.join(', ')}]`);
    }
  }
  if (key.dtype !== query.dtype || value.dtype !== query.dtype) args.fail('query, key and value must share a dtype');
  if (key.shape.some((d, i) => d !== value.shape[i]) || key.shape[0] !== query.shape[0] || key.shape[3] !== query.shape[3]) {
    args.fail(`query [${query.shape.join(', ')}], key [${key.shape.join(', ')}] and value [${value.shape.join(', ')}] do not fit together`);
  }
}

/** Runs the attention of a custom_sdpa-style call into `out` (query's shape). */
function attendOverCache(args: RuntimeArgs, operands: CacheAttention, out: Tensor): void {
  const { queryShape, keyShape, layout } = operands;
  const start = args.int('start_pos');
  const mask = args.optionalTensor('attn_mask');
  const isCausal = args.bool('is_causal');
  if (mask && isCausal) args.fail('attn_mask and is_causal cannot be set at the same time');
  const queryLength = queryShape[sequenceDim(layout)]!;
  const cacheLength = keyShape[sequenceDim(layout)]!;
  const heads = queryShape[headDim(layout)]!;
  const keyHeads = keyShape[headDim(layout)]!;
  const dim = queryShape[3]!;
  if (keyHeads === 0 || heads % keyHeads !== 0) args.fail(`query heads (${heads}) must be a multiple of key/value heads (${keyHeads})`);
  if (start < 0) args.fail(`start_pos must be non-negative, got ${start}`);
  let keyLength = cacheLength;
  if (mask) {
    if (mask.dtype !== ScalarType.FLOAT || mask.rank !== 2 || mask.shape[0] !== queryLength || mask.shape[1] !== cacheLength) {
      args.fail(`attn_mask must be float32 [${queryLength}, ${cacheLength}], got ${scalarTypeName(mask.dtype)} [${mask.shape.join(', ')}]`);
    }
  } else {
    keyLength = start + queryLength;
    if (keyLength > cacheLength) args.fail(`start_pos ${start} + seq_len ${queryLength} exceeds the cache length ${cacheLength}`);
  }
  const groups = heads / keyHeads;
  const query = problemOffsets(queryShape, layout, heads, 1);
  const key = problemOffsets(keyShape, layout, heads, groups);
  withFloatOutput(out, (data) =>
    scaledDotProductAttention({
      query: { data: operands.query, ...query },
      key: { data: operands.key, ...key },
      value: { data: operands.value, ...key },
      output: { data, ...query },
      mask: mask
        ? { kind: 'additive', data: readNumbers(mask), offsets: new Int32Array(queryShape[0]! * heads), rowStride: cacheLength, columnStride: 1 }
        : null,
      problems: queryShape[0]! * heads,
      queryLength,
      keyLength,
      headDim: dim,
      valueDim: dim,
      scale: args.optionalFloat('scale') ?? 1 / Math.sqrt(dim),
      causalOffset: isCausal ? start : null,
      fullyMaskedRows: 'nan',
    }),
  );
}

const SEQUENCE_FIRST: Layout = { headsFirst: false };

function customSdpa(args: RuntimeArgs, [out]: Tensor[]): void {
  const query = args.tensor('query');
  const key = args.tensor('key');
  const value = args.tensor('value');
  checkOperands(args, query, key, value, ACTIVATION_DTYPES);
  attendOverCache(
    args,
    { query: floatView(query), key: floatView(key), value: floatView(value), queryShape: query.shape, keyShape: key.shape, layout: SEQUENCE_FIRST },
    out!,
  );
}

function sdpaWithKvCache(args: RuntimeArgs, outs: Tensor[]): void {
  const key = args.tensor('key');
  const value = args.tensor('value');
  const keyCache = args.tensor('key_cache');
  const valueCache = args.tensor('value_cache');
  const start = args.int('start_pos');
  const length = args.int('seq_len');
  const capacity = keyCache.shape[1]!;
  if (start < 0 || start >= capacity || start + length > capacity || valueCache.shape[1] !== capacity) {
    args.fail(`start_pos ${start} + seq_len ${length} must fit the caches (length ${capacity})`);
  }
  for (const [projected, cache, name] of [[key, keyCache, 'key'], [value, valueCache, 'value']] as const) {
    const fits = projected.rank === 4 && cache.rank === 4 && projected.dtype === cache.dtype && start + projected.shape[1]! <= capacity;
    if (!fits || [0, 2, 3].some((d) => projected.shape[d] !== cache.shape[d])) {
      args.fail(`${name} [${projected.shape.join(', ')}] does not fit ${name}_cache [${cache.shape.join(', ')}] at start_pos ${start}`);
    }
    writeCacheRows(projected, cache, (_, s) => start + s);
  }
  const query = args.tensor('query');
  checkOperands(args, query, keyCache, valueCache, ACTIVATION_DTYPES);
  attendOverCache(
    args,
    { query: floatView(query), key: floatView(keyCache), value: floatView(valueCache), queryShape: query.shape, keyShape: keyCache.shape, layout: SEQUENCE_FIRST },
    outs[0]!,
  );
}

/** Per-token dequantization of an int8 operand: (x - zero_point) · scale, one pair per D-row. */
function dequantizeRows(args: RuntimeArgs, name: 'q' | 'k' | 'v', tensor: Tensor): Float32Array {
  const scales = args.optionalTensor(`${name}_scales`);
  const zeroPoints = args.optionalTensor(`${name}_zero_points`);
  if (!scales || !zeroPoints) args.fail(`${name}_scales and ${name}_zero_points are required for int8 ${name}`);
  if (scales.dtype !== ScalarType.FLOAT || zeroPoints.dtype !== ScalarType.CHAR) {
    args.fail(`${name}_scales must be float32 and ${name}_zero_points int8, got ${scalarTypeName(scales.dtype)} and ${scalarTypeName(zeroPoints.dtype)}`);
  }
  const rows = tensor.numel / tensor.shape[3]!;
  for (const params of [scales, zeroPoints]) {
    if (params.rank !== 4 || params.numel !== rows || params.shape.slice(0, 3).some((d, i) => d !== tensor.shape[i])) {
      args.fail(`${name} quantization parameters [${params.shape.join(', ')}] must match [${tensor.shape.slice(0, 3).join(', ')}, 1]`);
    }
  }
  const data = tensor.data as Int8Array;
  const scale = scales.data as Float32Array;
  const zeroPoint = zeroPoints.data as Int8Array;
  const dim = tensor.shape[3]!;
  const result = new Float32Array(tensor.numel);
  for (let row = 0; row < rows; row++) {
    const s = scale[row]!;
    const z = zeroPoint[row]!;
    for (let d = row * dim; d < (row + 1) * dim; d++) result[d] = (data[d]! - z) * s;
  }
  return result;
}

function customQuantizedSdpa(args: RuntimeArgs, [out]: Tensor[]): void {
  const query = args.tensor('query');
  const key = args.tensor('key');
  const value = args.tensor('value');
  checkOperands(args, query, key, value, [ScalarType.CHAR]);
  attendOverCache(
    args,
    {
      query: dequantizeRows(args, 'q', query),
      key: dequantizeRows(args, 'k', key),
      value: dequantizeRows(args, 'v', value),
      queryShape: query.shape,
      keyShape: key.shape,
      layout: { headsFirst: args.bool('is_seq_at_dim_2') },
    },
    out!,
  );
}

function quantizedMeta(args: MetaArgs): TensorMeta[] {
  const layout = { headsFirst: args.bool('is_seq_at_dim_2') };
  const result = attentionMeta(args, attentionMetas(args), layout, [ScalarType.CHAR], ScalarType.FLOAT);
  for (const name of ['q', 'k', 'v'] as const) {
    const tensor = args.tensor(name === 'q' ? 'query' : name === 'k' ? 'key' : 'value');
    const scales = args.optionalTensor(`${name}_scales`);
    const zeroPoints = args.optionalTensor(`${name}_zero_points`);
    if (!scales || !zeroPoints) args.fail(`${name}_scales and ${name}_zero_points must be provided for int8 attention`);
    if (scales.dtype !== ScalarType.FLOAT) args.fail(`${name}_scales must be float32, got ${scalarTypeName(scales.dtype)}`);
    if (zeroPoints.dtype !== ScalarType.CHAR) args.fail(`${name}_zero_points must be int8, got ${scalarTypeName(zeroPoints.dtype)}`);
    for (const params of [scales, zeroPoints]) {
      if (params.shape.length !== 4 || !shapeEquals(params.shape.slice(0, 3), tensor.shape.slice(0, 3)) || !dimEquals(params.shape[3]!, 1)) {
        args.fail(`${name} quantization parameters ${shapeToString(params.shape)} must be ${shapeToString([...tensor.shape.slice(0, 3), 1])}`);
      }
    }
  }
  return result;
}

/** `custom_sdpa`, `sdpa_with_kv_cache` and `custom_quantized_sdpa`, functional and `.out`. */
export function customSdpaOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional:
        'llama::custom_sdpa(Tensor query, Tensor key, Tensor value, SymInt start_pos, Tensor? attn_mask=None, float drpout_p=0.0, ' +
        'bool is_causal=False, float? scale=None) -> Tensor',
      out:
        'llama::custom_sdpa.out(Tensor query, Tensor key, Tensor value, SymInt start_pos, Tensor? attn_mask=None, float drpout_p=0.0, ' +
        'bool is_causal=False, float? scale=None, *, Tensor(a!) out) -> Tensor(a!)',
      infer: (args) => attentionMeta(args, attentionMetas(args), SEQUENCE_FIRST, ACTIVATION_DTYPES, null),
      compute: customSdpa,
    }),
    ...defineOperator({
      functional:
        'llama::sdpa_with_kv_cache(Tensor query, Tensor key, Tensor value, Tensor(a!) key_cache, Tensor(b!) value_cache, SymInt start_pos, ' +
        'SymInt seq_len, Tensor? attn_mask=None, float drpout_p=0.0, bool is_causal=False, float? scale=None) -> Tensor',
      out:
        'llama::sdpa_with_kv_cache.out(Tensor query, Tensor key, Tensor value, Tensor(a!) key_cache, Tensor(b!) value_cache, SymInt start_pos, ' +
        'SymInt seq_len, Tensor? attn_mask=None, float drpout_p=0.0, bool is_causal=False, float? scale=None, *, Tensor(c!) out) -> Tensor(c!)',
      infer(args) {
        const keyCache = args.tensor('key_cache');
        for (const name of ['key', 'value'] as const) {
          const projected = args.tensor(name);
          if (projected.dtype !== keyCache.dtype || projected.shape.length !== 4 || [0, 2, 3].some((d) => !dimEquals(projected.shape[d]!, keyCache.shape[d]!))) {
            args.fail(`${name} ${shapeToString(projected.shape)} does not fit the cache ${shapeToString(keyCache.shape)}`);
          }
        }
        return attentionMeta(args, attentionMetas(args, 'key_cache', 'value_cache'), SEQUENCE_FIRST, ACTIVATION_DTYPES, null);
      },
      compute: sdpaWithKvCache,
    }),
    ...defineOperator({
      functional:
        'llama::custom_quantized_sdpa(Tensor query, Tensor key, Tensor value, SymInt start_pos, Tensor? attn_mask=None, ' +
        'float drpout_p=0.0, bool is_causal=False, float? scale=None, Tensor? q_zero_points=None, Tensor? q_scales=None, ' +
        'Tensor? k_zero_points=None, Tensor? k_scales=None, Tensor? v_zero_points=None, Tensor? v_scales=None, ' +
        'bool is_seq_at_dim_2=False) -> Tensor',
      out:
        'llama::custom_quantized_sdpa.out(Tensor query, Tensor key, Tensor value, SymInt start_pos, Tensor? attn_mask=None, ' +
        'float drpout_p=0.0, bool is_causal=False, float? scale=None, Tensor? q_zero_points=None, Tensor? q_scales=None, ' +
        'Tensor? k_zero_points=None, Tensor? k_scales=None, Tensor? v_zero_points=None, Tensor? v_scales=None, ' +
        'bool is_seq_at_dim_2=False, *, Tensor(a!) out) -> Tensor(a!)',
      infer: quantizedMeta,
      compute: customQuantizedSdpa,
    }),
  ];
}

