/**
 * Plans a found attention pattern as one step that computes only over the cache positions the
 * mask leaves open. Each call finds L, one past the last position any row of the mask does not
 * mask out (−∞, or float32's lowest as Hugging Face masks use); positions from L on would
 * contribute exp(−∞) = 0 to every softmax sum and 0·V to every output, so Q·Kᵀ, the scale, the
 * mask, softmax and the product with V run over the first L positions: the result is the graph's
 * up to summation order. K and V that are delegate inputs (a static cache) are read straight from
 * the call's argument, L rows per head, instead of being copied in whole. Shapes the fused step
 * does not cover (broadcast batch dimensions, a per-row mask) plan the nodes one by one instead.
 */

import { broadcastIndex } from '@etch/core/kernels';
import type { XnnNode } from '../format/xnn-graph.js';
import type { AttentionPattern, CacheOperand } from './attention-pattern.js';
import { broadcastShape } from './elementwise-planners.js';
import { type FloatSlot, type PlanContext, type Step, numelOf } from './plan-context.js';

/** Mask values at or below this leave a position out: −∞, or float32's lowest (−3.4028e38). */
const MASKED = -3.4e38;

/** Where a lazily read delegate input's data is, for the current call. */
export interface HostInput {
  data: Float32Array;
  readonly shape: readonly number[];
}

/** How `planAttention` plans a node or reads an input it does not fuse. */
export interface AttentionFallback {
  planNode(index: number): void;
  /** The slot of lazily read input `inputIndex`, copied in whole by a step of its own. */
  materialize(inputIndex: number): FloatSlot;
}

/** The shape `shape` takes through the reshapes of `nodes` (in order). */
function reshaped(shape: readonly number[], nodes: readonly XnnNode[]): readonly number[] {
  let current = shape;
  for (const node of nodes) {
    if (node.kind !== 'StaticReshape') return current;
    const total = numelOf(current);
    const known = node.newShape.reduce((n, d) => (d === 0 ? n : n * d), 1);
    current = node.newShape.map((d) => (d === 0 ? total / known : d));
  }
  return current;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

interface Operand {
  readonly shape: readonly number[];
  /** A slot in the arena, or the host input it is read from. */
  readonly slot: FloatSlot | undefined;
  readonly host: HostInput | undefined;
}

/**
 * Plans `pattern` at its last node: the fused step when shapes allow, else its nodes one by one
 * (with lazily read inputs copied in whole).
 */
export function planAttention(pattern: AttentionPattern, context: PlanContext, nodes: readonly XnnNode[], hostInputs: ReadonlyMap<number, HostInput>, fallback: AttentionFallback): Step | undefined {
  const operand = (cache: CacheOperand): Operand => {
    const host = cache.inputIndex === undefined ? undefined : hostInputs.get(cache.inputIndex);
    if (host === undefined) {
      const slot = context.float(cache.id, { kind: 'attention', debugHandle: nodes[pattern.at]!.debugHandle });
      return { shape: slot.shape, slot, host: undefined };
    }
    return { shape: reshaped(host.shape, cache.reshapes.map((index) => nodes[index]!)), slot: undefined, host };
  };
  const owner = { kind: 'attention', debugHandle: nodes[pattern.at]!.debugHandle };
  const query = context.float(pattern.queryId, owner);
  const key = operand(pattern.key);
  const value = operand(pattern.value);
  const mask = context.float(pattern.maskId, owner);
  const rank = query.shape.length;
  const [m, d] = query.shape.slice(-2) as [number, number];
  const batchShape = query.shape.slice(0, -2);
  const cache = key.shape[key.shape.length - 2]!;
  const scoresShape = reshaped([...batchShape, m, cache], pattern.scoresReshapes.map((index) => nodes[index]!));
  const fusable =
    rank >= 3 &&
    key.shape.length === rank &&
    value.shape.length === rank &&
    sameShape(key.shape.slice(0, -2), batchShape) &&
    sameShape(value.shape.slice(0, -2), batchShape) &&
    key.shape[rank - 1] === d &&
    value.shape[rank - 2] === cache &&
    cache > 0 &&
    m > 0 &&
    scoresShape[scoresShape.length - 1] === cache &&
    mask.shape[mask.shape.length - 1] === cache &&
    sameShape(broadcastShapeOrEmpty(scoresShape, mask.shape), scoresShape);
  if (!fusable) {
    for (const cacheOperand of [pattern.key, pattern.value]) {
      if (cacheOperand.inputIndex !== undefined && hostInputs.has(cacheOperand.inputIndex)) fallback.materialize(cacheOperand.inputIndex);
    }
    for (const index of [...pattern.covered].sort((a, b) => a - b)) fallback.planNode(index);
    return undefined;
  }
  const batches = numelOf(batchShape);
  const dv = value.shape[rank - 1]!;
  const rows = batches * m;
  const scale = pattern.scaleId === undefined ? 1 : context.graph.values.get(pattern.scaleId)!.constant![0]!;
  const maskIndex = broadcastIndex(mask.shape, scoresShape);
  const maskRows = Int32Array.from({ length: rows }, (_, row) => maskIndex[row * cache]!);
  const distinctMaskRows = Int32Array.from(new Set(maskRows));
  const output = context.output(pattern.outputId, [...batchShape, m, dv]);
  const scores = context.temporary([rows, cache]);
  const keys = key.host ? context.temporary([batches, cache, d]) : undefined;
  const values = value.host ? context.temporary([batches, cache, dv]) : undefined;
  const { memory } = context;
  const f = Math.fround;
  return () => {
    let floats = memory.floats();
    const maskStart = mask.address >> 2;
    let open = 0;
    for (const row of distinctMaskRows) {
      for (let position = cache - 1; position >= open; position--) {
        if (floats[maskStart + row + position]! > MASKED) {
          open = position + 1;
          break;
        }
      }
    }
    // Every position masked: the graph's softmax gives NaN rows; computing all of them keeps that.
    const length = open === 0 ? cache : open;
    if (keys) copyRows(floats, key.host!.data, keys.address >> 2, batches, cache, d, length);
    if (values) copyRows(floats, value.host!.data, values.address >> 2, batches, cache, dv, length);
    const keyStride = keys ? length * d : cache * d;
    const valueStride = values ? length * dv : cache * dv;
    const keyBase = keys ? keys.address : key.slot!.address;
    const valueBase = values ? values.address : value.slot!.address;
    for (let batch = 0; batch < batches; batch++) {
      memory.batchMatmul(query.address + batch * m * d * 4, keyBase + batch * keyStride * 4, scores.address + batch * m * length * 4, { batch: 1, m, k: d, n: length, transposeB: true });
    }
    floats = memory.floats();
    const scoresStart = scores.address >> 2;
    for (let row = 0; row < rows; row++) {
      const start = scoresStart + row * length;
      const maskRow = maskStart + maskRows[row]!;
      for (let position = 0; position < length; position++) floats[start + position] = f(floats[start + position]! * scale) + floats[maskRow + position]!;
    }
    memory.softmax(scores.address, scores.address, rows, length);
    for (let batch = 0; batch < batches; batch++) {
      memory.batchMatmul(scores.address + batch * m * length * 4, valueBase + batch * valueStride * 4, output.address + batch * m * dv * 4, { batch: 1, m, k: length, n: dv });
    }
  };
}

/** Copies the first `length` of `cache` rows of each batch of `source` ([batches, cache, width]) to `target`. */
function copyRows(floats: Float32Array, source: Float32Array, target: number, batches: number, cache: number, width: number, length: number): void {
  for (let batch = 0; batch < batches; batch++) {
    const from = batch * cache * width;
    floats.set(source.subarray(from, from + length * width), target + batch * length * width);
  }
}

function broadcastShapeOrEmpty(a: readonly number[], b: readonly number[]): readonly number[] {
  try {
    return broadcastShape(a, b, 'attention mask');
  } catch {
    return [];
  }
}
