/**
 * Finds scaled dot-product attention over a static KV cache in a payload: Q·Kᵀ (a batch matrix
 * multiply with transposed B), an optional scale, reshapes, an additive mask, softmax, and the
 * product with V, each intermediate read only by the next node. Lowered LLM graphs attend over
 * every position of the cache, most of them masked out while the cache fills; once the pattern is
 * known, a plan can compute over the positions the mask leaves open (see `attention-planner.ts`).
 * When K or V is an external input read only through this attention, the plan copies just those
 * positions out of the delegate argument instead of the whole cache.
 */

import { FLAG_TRANSPOSE_WEIGHTS, INVALID_VALUE_ID, type XnnNode, type XnnNodeOf } from '../format/xnn-graph.js';
import { type CompiledGraph, valueIdsOf } from './compiled-graph.js';

/** Where attention reads K or V: a value of the plan, or (`inputIndex`) a delegate input read lazily. */
export interface CacheOperand {
  /** The value bmm reads (after any reshapes). */
  readonly id: number;
  /** Index in `graph.inputs` when the operand is an external input nothing else reads. */
  readonly inputIndex: number | undefined;
  /** Indices of the reshapes from that input to `id`, in order. */
  readonly reshapes: readonly number[];
}

/** One attention found in a graph, by the indices of its nodes. */
export interface AttentionPattern {
  /** Index of the product with V, where the fused step is planned (every operand exists by then). */
  readonly at: number;
  /** Indices of every node the fused step replaces (reshapes of lazily read inputs included). */
  readonly covered: ReadonlySet<number>;
  readonly queryId: number;
  readonly key: CacheOperand;
  readonly value: CacheOperand;
  /** The constant scale multiplying the scores, if any. */
  readonly scaleId: number | undefined;
  /** The mask added to the scores after the reshapes `scoresReshapes` (indices, in order). */
  readonly maskId: number;
  readonly scoresReshapes: readonly number[];
  readonly outputId: number;
}

const outputOf = (node: XnnNode): number => (node as { outputId: number }).outputId;

/** Finds every attention pattern of `graph`, by the index of its product with V. */
export function findAttentionPatterns(graph: CompiledGraph): Map<number, AttentionPattern> {
  const producer = new Map<number, number>();
  const consumers = new Map<number, number[]>();
  graph.nodes.forEach((node, index) => {
    const output = outputOf(node);
    producer.set(output, index);
    for (const id of valueIdsOf(node)) {
      if (id === output || id === INVALID_VALUE_ID) continue;
      consumers.set(id, [...(consumers.get(id) ?? []), index]);
    }
  });
  const outputs = new Set(graph.outputs.map((value) => value.id));
  /** The only node reading `id`, when `id` is an intermediate nothing else reads. */
  const soleConsumer = (id: number): number | undefined => {
    const readers = consumers.get(id) ?? [];
    return readers.length === 1 && !outputs.has(id) ? readers[0] : undefined;
  };
  const inputIndexOf = new Map(graph.inputs.map((input, index) => [input.id, index]));
  /** K or V: lazily read when it is an input reaching bmm only through single-reader reshapes. */
  const cacheOperand = (id: number, covered: Set<number>): CacheOperand => {
    if (soleConsumer(id) === undefined) return { id, inputIndex: undefined, reshapes: [] };
    const reshapes: number[] = [];
    let root = id;
    for (;;) {
      const index = producer.get(root);
      if (index === undefined || graph.nodes[index]!.kind !== 'StaticReshape') break;
      const source = (graph.nodes[index] as XnnNodeOf<'StaticReshape'>).inputId;
      if (soleConsumer(source) !== index) break;
      reshapes.push(index);
      root = source;
    }
    const inputIndex = inputIndexOf.get(root);
    if (inputIndex === undefined || outputs.has(root)) return { id, inputIndex: undefined, reshapes: [] };
    for (const index of reshapes) covered.add(index);
    return { id, inputIndex, reshapes: reshapes.reverse() };
  };
  /** Follows single-reader reshapes from `id`, adding them to `passed`; returns the last value. */
  const throughReshapes = (id: number, covered: Set<number>, passed: number[] = []): number => {
    let current = id;
    for (;;) {
      const next = soleConsumer(current);
      if (next === undefined || graph.nodes[next]!.kind !== 'StaticReshape') return current;
      covered.add(next);
      passed.push(next);
      current = outputOf(graph.nodes[next]!);
    }
  };
  const isScalarConstant = (id: number) => {
    const value = graph.values.get(id);
    return value?.constant !== undefined && value.constant.length === 1;
  };

  const patterns = new Map<number, AttentionPattern>();
  graph.nodes.forEach((node, start) => {
    if (node.kind !== 'BatchMatrixMultiply' || (node.flags & FLAG_TRANSPOSE_WEIGHTS) === 0 || node.outputMinMax) return;
    const covered = new Set<number>([start]);
    let scores = node.outputId;
    let scaleId: number | undefined;
    const scaling = soleConsumer(scores);
    if (scaling === undefined) return;
    const scale = graph.nodes[scaling]!;
    if (scale.kind === 'Multiply' && !scale.outputMinMax) {
      const other = scale.input1Id === scores ? scale.input2Id : scale.input1Id;
      if (!isScalarConstant(other)) return;
      scaleId = other;
      covered.add(scaling);
      scores = scale.outputId;
    }
    const scoresReshapes: number[] = [];
    scores = throughReshapes(scores, covered, scoresReshapes);
    const addIndex = soleConsumer(scores);
    const add = addIndex === undefined ? undefined : graph.nodes[addIndex]!;
    if (add?.kind !== 'Add' || add.outputMinMax || add.input1Id === add.input2Id) return;
    covered.add(addIndex!);
    const maskId = add.input1Id === scores ? add.input2Id : add.input1Id;
    const probabilitiesInput = throughReshapes(add.outputId, covered);
    const softmaxIndex = soleConsumer(probabilitiesInput);
    const softmax = softmaxIndex === undefined ? undefined : graph.nodes[softmaxIndex]!;
    if (softmax?.kind !== 'Softmax' || softmax.outputMinMax) return;
    covered.add(softmaxIndex!);
    const productIndex = soleConsumer(softmax.outputId);
    const product = productIndex === undefined ? undefined : graph.nodes[productIndex]!;
    if (product?.kind !== 'BatchMatrixMultiply' || product.input1Id !== softmax.outputId || (product.flags & FLAG_TRANSPOSE_WEIGHTS) !== 0 || product.outputMinMax) return;
    covered.add(productIndex!);
    patterns.set(productIndex!, {
      at: productIndex!,
      covered,
      queryId: node.input1Id,
      key: cacheOperand(node.input2Id, covered),
      value: cacheOperand(product.input2Id, covered),
      scaleId,
      maskId,
      scoresReshapes,
      outputId: product.outputId,
    });
  });
  return patterns;
}
