/**
 * Scaled dot-product attention over strided operands. One loop serves PyTorch's
 * `aten::scaled_dot_product_attention` ([B, H, L, E] layouts, broadcast batch dims, boolean or
 * additive masks, top-left causal masking) and ExecuTorch's `llama::custom_sdpa` ([B, S, H, D]
 * layouts, a KV cache read up to `start_pos + S`, causal masking relative to `start_pos`), because
 * both reduce to: for every (batch, head) problem and query row, softmax over a prefix of the keys
 * of `scale · q·k + mask`, then a weighted sum of the values. It runs on every layer of every decode
 * step, so it works directly on typed arrays with precomputed per-problem offsets and accumulates
 * in float64 (more accurate than the float32 references, never less). The adapters at the end
 * turn tensors into such operands: float views (zero-copy for float32/float64) and per-problem
 * offsets for broadcast batch dims and grouped-query heads.
 */

import { ScalarType } from '../scalar-type.js';
import { readNumbers, writeNumbers } from './access.js';
import type { Tensor } from './tensor.js';

/** A float operand: contiguous along its last dimension, rows `rowStride` elements apart. */
export interface AttentionOperand {
  readonly data: Float32Array | Float64Array;
  /** Element offset of row 0 of each (batch, head) problem, in problem order. */
  readonly offsets: ArrayLike<number>;
  readonly rowStride: number;
}

/** A mask broadcast over the (query row, key column) plane of each problem. */
export interface AttentionMask {
  /** `boolean`: 0 hides a key (True = attend); `additive`: added to the scaled scores. */
  readonly kind: 'boolean' | 'additive';
  readonly data: ArrayLike<number>;
  readonly offsets: ArrayLike<number>;
  /** 0 when the mask broadcasts over query rows. */
  readonly rowStride: number;
  /** 0 when the mask broadcasts over keys, 1 otherwise. */
  readonly columnStride: number;
}

/** One call of the kernel: operands, sizes, scale, causal and masked-row behaviour. */
export interface AttentionProblem {
  readonly query: AttentionOperand;
  readonly key: AttentionOperand;
  readonly value: AttentionOperand;
  readonly output: AttentionOperand;
  readonly mask: AttentionMask | null;
  /** Number of (batch, head) problems; every `offsets` array has this length. */
  readonly problems: number;
  readonly queryLength: number;
  /** Keys considered per problem (rows `0 … keyLength-1` of key and value). */
  readonly keyLength: number;
  /** Width of query and key rows. */
  readonly headDim: number;
  /** Width of value and output rows. */
  readonly valueDim: number;
  /** Multiplies `q·k` before the mask is added. */
  readonly scale: number;
  /**
   * Causal masking: query row `i` sees keys `j <= causalOffset + i` (0 for PyTorch's top-left
   * aligned `is_causal`, `start_pos` for the llama ops); `null` disables it.
   */
  readonly causalOffset: number | null;
  /**
   * What a row whose keys are all masked produces: `zero` is PyTorch 2.13's `_safe_softmax`
   * (math path), `nan` is what ExecuTorch's flash-attention kernel computes (0 · 1/0).
   */
  readonly fullyMaskedRows: 'zero' | 'nan';
}

/** `a[aOffset … +n] · b[bOffset … +n]` with four partial sums (float64). */
function dot(a: Float32Array | Float64Array, aOffset: number, b: Float32Array | Float64Array, bOffset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 4 <= n; d += 4) {
    s0 += a[aOffset + d]! * b[bOffset + d]!;
    s1 += a[aOffset + d + 1]! * b[bOffset + d + 1]!;
    s2 += a[aOffset + d + 2]! * b[bOffset + d + 2]!;
    s3 += a[aOffset + d + 3]! * b[bOffset + d + 3]!;
  }
  for (; d < n; d++) s0 += a[aOffset + d]! * b[bOffset + d]!;
  return s0 + s1 + (s2 + s3);
}

/** `accumulator += weight · row[offset … +n]`. */
function accumulate(accumulator: Float64Array, weight: number, row: Float32Array | Float64Array, offset: number, n: number): void {
  for (let d = 0; d < n; d++) accumulator[d] += weight * row[offset + d]!;
}

/** Computes softmax(scale · q·kᵀ + mask) · v for every problem and query row into `output`. */
export function scaledDotProductAttention(problem: AttentionProblem): void {
  const { query, key, value, output, mask, queryLength, keyLength, headDim, valueDim, scale, causalOffset } = problem;
  const q = query.data;
  const k = key.data;
  const v = value.data;
  const out = output.data;
  const scores = new Float64Array(keyLength);
  const accumulator = new Float64Array(valueDim);
  const maskedRowValue = problem.fullyMaskedRows === 'zero' ? 0 : NaN;
  const additive = mask !== null && mask.kind === 'additive';
  const maskData = mask?.data;
  for (let p = 0; p < problem.problems; p++) {
    const queryBase = query.offsets[p]!;
    const keyBase = key.offsets[p]!;
    const valueBase = value.offsets[p]!;
    const outputBase = output.offsets[p]!;
    const maskBase = mask ? mask.offsets[p]! : 0;
    for (let i = 0; i < queryLength; i++) {
      const queryRow = queryBase + i * query.rowStride;
      const outputRow = outputBase + i * output.rowStride;
      const visible = causalOffset === null ? keyLength : Math.max(0, Math.min(keyLength, causalOffset + i + 1));
      const maskRow = maskBase + i * (mask ? mask.rowStride : 0);
      let max = -Infinity;
      let poisoned = false;
      for (let j = 0; j < visible; j++) {
        let score = dot(q, queryRow, k, keyBase + j * key.rowStride, headDim) * scale;
        if (maskData !== undefined) {
          const m = maskData[maskRow + j * mask!.columnStride]!;
          if (additive) score += m;
          else if (m === 0) score = -Infinity;
        }
        if (score > max) max = score;
        else if (score !== score) poisoned = true;
        scores[j] = score;
      }
      if (max === -Infinity && !poisoned) {
        for (let d = 0; d < valueDim; d++) out[outputRow + d] = maskedRowValue;
        continue;
      }
      accumulator.fill(0);
      let sum = 0;
      for (let j = 0; j < visible; j++) {
        const weight = Math.exp(scores[j]! - max);
        sum += weight;
        accumulate(accumulator, weight, v, valueBase + j * value.rowStride, valueDim);
      }
      const inverse = 1 / sum;
      for (let d = 0; d < valueDim; d++) out[outputRow + d] = accumulator[d]! * inverse;
    }
  }
}

/** The tensor's elements as float32/float64 (the data itself when it already is one). */
export function floatView(tensor: Tensor): Float32Array | Float64Array {
  if (tensor.dtype === ScalarType.FLOAT) return tensor.data as Float32Array;
  if (tensor.dtype === ScalarType.DOUBLE) return tensor.data as Float64Array;
  return Float32Array.from(readNumbers(tensor));
}

/**
 * Runs `compute` on a float buffer for `out` and stores it: the out data itself for
 * float32/float64, a float32 scratch rounded into half/bfloat16 afterwards.
 */
export function withFloatOutput(out: Tensor, compute: (data: Float32Array | Float64Array) => void): void {
  if (out.dtype === ScalarType.FLOAT || out.dtype === ScalarType.DOUBLE) {
    compute(out.data as Float32Array | Float64Array);
    return;
  }
  const scratch = new Float32Array(out.numel);
  compute(scratch);
  writeNumbers(out, scratch);
}

/**
 * Element offsets of each matrix of a contiguous operand, one per index of `batchShape`
 * (row-major). `operandBatchShape` broadcasts against `batchShape` (missing leading dims and
 * size-1 dims repeat); with `headGroups > 1` the operand's last batch dim has one entry per group
 * of `headGroups` consecutive output heads (`repeat_interleave` semantics).
 */
export function broadcastMatrixOffsets(
  batchShape: readonly number[],
  operandBatchShape: readonly number[],
  matrixSize: number,
  headGroups = 1,
): Int32Array {
  const rank = batchShape.length;
  const lead = rank - operandBatchShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = matrixSize;
  for (let d = operandBatchShape.length - 1; d >= 0; d--) {
    strides[lead + d] = operandBatchShape[d] === 1 && batchShape[lead + d] !== 1 ? 0 : stride;
    stride *= operandBatchShape[d]!;
  }
  let count = 1;
  for (const size of batchShape) count *= size;
  const offsets = new Int32Array(count);
  const index = new Array<number>(rank).fill(0);
  for (let p = 0; p < count; p++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) {
      const coordinate = d === rank - 1 && headGroups > 1 ? Math.floor(index[d]! / headGroups) : index[d]!;
      offset += coordinate * strides[d]!;
    }
    offsets[p] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < batchShape[d]!) break;
      index[d] = 0;
    }
  }
  return offsets;
}
