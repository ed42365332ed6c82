/**
 * `aten::scaled_dot_product_attention`, the mid-level attention op graph builders use, with the
 * reference semantics of PyTorch's math path (`_scaled_dot_product_attention_math`, torch 2.13):
 * boolean masks (True = attend) and additive float masks broadcast over [..., L, S], top-left
 * aligned `is_causal` (query i sees keys j <= i), grouped-query attention when `enable_gqa`
 * (key/value heads repeated with `repeat_interleave` over dim -3), default scale 1/sqrt(E), and
 * `_safe_softmax`: a row whose keys are all masked yields zeros, not NaN. ExecuTorch has no kernel
 * for it; lowering decomposes it or replaces it with `llama::custom_sdpa`.
 */

import { UnsupportedOperatorError } from '../../errors.js';
import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, dimToString, shapeEquals, shapeToString } from '../../ir/sym.js';
import { broadcastMatrixOffsets, floatView, scaledDotProductAttention, withFloatOutput } from '../../kernels/attention.js';
import { readNumbers } from '../../kernels/access.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator, metaArgsOf } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { broadcastShapes } from '../shape-rules.js';

const SDPA = 'aten::scaled_dot_product_attention';

/** Number of query heads sharing one key/value head (1 without grouped-query attention). */
function headGroups(args: MetaArgs, query: TensorMeta, other: TensorMeta, name: string): number {
  if (!args.bool('enable_gqa')) return 1;
  if (query.shape.length < 3 || other.shape.length < 3) args.fail('enable_gqa needs query, key and value of rank >= 3 (heads at dim -3)');
  const queryHeads = query.shape[query.shape.length - 3]!;
  const otherHeads = other.shape[other.shape.length - 3]!;
  if (dimEquals(queryHeads, otherHeads)) return 1;
  if (typeof queryHeads !== 'number' || typeof otherHeads !== 'number') {
    args.fail(`enable_gqa needs static head counts, got query ${dimToString(queryHeads)} and ${name} ${dimToString(otherHeads)}`);
  }
  if (otherHeads === 0 || queryHeads % otherHeads !== 0) {
    args.fail(`query heads (${queryHeads}) must be a multiple of ${name} heads (${otherHeads}) for grouped-query attention`);
  }
  return queryHeads / otherHeads;
}

/** Batch dims of key/value as seen by the output: heads repeated `groups` times. */
function expandedBatch(meta: TensorMeta, groups: number): Dim[] {
  const batch = meta.shape.slice(0, -2);
  if (groups > 1) batch[batch.length - 1] = (batch[batch.length - 1] as number) * groups;
  return batch;
}

/** `broadcastShapes`, failing with the operator and `what` named. */
function broadcast(args: MetaArgs, a: readonly Dim[], b: readonly Dim[], what: string): Dim[] {
  try {
    return broadcastShapes(a, b);
  } catch (error) {
    return args.fail(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface AttentionShapes {
  batch: Dim[];
  keyGroups: number;
  valueGroups: number;
}

function attentionShapes(args: MetaArgs): AttentionShapes {
  const query = args.tensor('query');
  const key = args.tensor('key');
  const value = args.tensor('value');
  for (const [name, meta] of [['query', query], ['key', key], ['value', value]] as const) {
    if (meta.shape.length < 2) args.fail(`${name} must have rank >= 2, got ${shapeToString(meta.shape)}`);
  }
  if (!isFloatingType(query.dtype)) args.fail(`query must be a floating tensor, got ${scalarTypeName(query.dtype)}`);
  if (key.dtype !== query.dtype || value.dtype !== query.dtype) {
    args.fail(`query, key and value must share a dtype, got ${scalarTypeName(query.dtype)}, ${scalarTypeName(key.dtype)}, ${scalarTypeName(value.dtype)}`);
  }
  const embed = query.shape[query.shape.length - 1]!;
  if (!dimEquals(embed, key.shape[key.shape.length - 1]!)) {
    args.fail(`query ${shapeToString(query.shape)} and key ${shapeToString(key.shape)} differ in the last dim`);
  }
  if (!dimEquals(key.shape[key.shape.length - 2]!, value.shape[value.shape.length - 2]!)) {
    args.fail(`key ${shapeToString(key.shape)} and value ${shapeToString(value.shape)} differ in sequence length (dim -2)`);
  }
  const keyGroups = headGroups(args, query, key, 'key');
  const valueGroups = headGroups(args, query, value, 'value');
  const batch = broadcast(
    args,
    broadcast(args, query.shape.slice(0, -2), expandedBatch(key, keyGroups), 'batch dims of query and key'),
    expandedBatch(value, valueGroups),
    'batch dims of query and value',
  );
  return { batch, keyGroups, valueGroups };
}

function inferAttention(args: MetaArgs): TensorMeta[] {
  if (args.float('dropout_p') !== 0) {
    throw new UnsupportedOperatorError(SDPA, `dropout_p=${args.float('dropout_p')} is not supported: etch runs inference only`, {
      hint: 'export the model in eval mode (dropout_p=0.0)',
    });
  }
  const { batch } = attentionShapes(args);
  const query = args.tensor('query');
  const key = args.tensor('key');
  const value = args.tensor('value');
  const scores = [...batch, query.shape[query.shape.length - 2]!, key.shape[key.shape.length - 2]!];
  const mask = args.optionalTensor('attn_mask');
  if (mask) {
    if (args.bool('is_causal')) args.fail('attn_mask and is_causal cannot both be set');
    if (mask.dtype !== ScalarType.BOOL && !isFloatingType(mask.dtype)) {
      args.fail(`attn_mask must be bool or floating, got ${scalarTypeName(mask.dtype)}`);
    }
    if (!shapeEquals(broadcast(args, scores, mask.shape, `attn_mask ${shapeToString(mask.shape)} does not broadcast to the attention scores`), scores)) {
      args.fail(`attn_mask ${shapeToString(mask.shape)} does not broadcast to the attention scores ${shapeToString(scores)}`);
    }
  }
  return [tensorMeta(query.dtype, [...batch, query.shape[query.shape.length - 2]!, value.shape[value.shape.length - 1]!])];
}

function computeAttention(args: RuntimeArgs, [out]: Tensor[]): void {
  const query = args.tensor('query');
  const key = args.tensor('key');
  const value = args.tensor('value');
  const mask = args.optionalTensor('attn_mask');
  const { batch, keyGroups, valueGroups } = attentionShapes(metaArgsOf(args.schema, args.values));
  const batchShape = batch as number[];
  const queryLength = query.shape[query.rank - 2]!;
  const keyLength = key.shape[key.rank - 2]!;
  const headDim = query.shape[query.rank - 1]!;
  const valueDim = value.shape[value.rank - 1]!;
  const scale = args.optionalFloat('scale') ?? 1 / Math.sqrt(headDim);
  let maskOperand = null;
  if (mask) {
    const padded = [...new Array<number>(Math.max(0, batchShape.length + 2 - mask.rank)).fill(1), ...mask.shape];
    const rows = padded[padded.length - 2]!;
    const columns = padded[padded.length - 1]!;
    maskOperand = {
      kind: mask.dtype === ScalarType.BOOL ? ('boolean' as const) : ('additive' as const),
      data: readNumbers(mask),
      offsets: broadcastMatrixOffsets(batchShape, padded.slice(0, -2), rows * columns),
      rowStride: rows === 1 ? 0 : columns,
      columnStride: columns === 1 ? 0 : 1,
    };
  }
  withFloatOutput(out!, (data) =>
    scaledDotProductAttention({
      query: { data: floatView(query), offsets: broadcastMatrixOffsets(batchShape, query.shape.slice(0, -2), queryLength * headDim), rowStride: headDim },
      key: { data: floatView(key), offsets: broadcastMatrixOffsets(batchShape, key.shape.slice(0, -2), keyLength * headDim, keyGroups), rowStride: headDim },
      value: { data: floatView(value), offsets: broadcastMatrixOffsets(batchShape, value.shape.slice(0, -2), keyLength * valueDim, valueGroups), rowStride: valueDim },
      output: { data, offsets: broadcastMatrixOffsets(batchShape, batchShape, queryLength * valueDim), rowStride: valueDim },
      mask: maskOperand,
      problems: batchShape.reduce((a, b) => a * b, 1),
      queryLength,
      keyLength,
      headDim,
      valueDim,
      scale,
      causalOffset: args.bool('is_causal') ? 0 : null,
      fullyMaskedRows: 'zero',
    }),
  );
}

/** `aten::scaled_dot_product_attention` (functional only: ExecuTorch registers no kernel for it). */
export function attentionOperators(): OperatorDefinition[] {
  return defineOperator({
    functional:
      'aten::scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0.0, ' +
      'bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor',
    infer: inferAttention,
    compute: computeAttention,
  });
}
