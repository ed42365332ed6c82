/**
 * Data movement and clamping: `view_copy`/`unsqueeze_copy` → static reshape (at most one
 * symbolic dimension, written as XNNPACK's inferred 0), `permute_copy`/`transpose_copy` →
 * static transpose, `slice_copy` with static bounds and step 1 → static slice, `cat` of two to
 * five tensors → concatenate, `clamp` with number bounds → clamp.
 */

import { type Argument, type Dim, type Node, type NodeArgument, isSymbolic } from '@etch/core';
import type { XnnGraphBuilder } from '../lower/xnn-graph-builder.js';
import { type SupportContext, numberOf } from '../partition/support-context.js';
import { type Support, type XnnpackOperator, declined, supported } from './operator.js';

function floatInOut(node: Node, context: SupportContext): Support {
  if (!context.producesFloat(node) || !context.isFloatTensor(node.args[0])) return declined('input and output must be fp32');
  return supported;
}

function outputShape(node: Node): readonly Dim[] {
  const meta = node.outputs[0]!;
  return meta.kind === 'tensor' ? meta.shape : [];
}

const reshape = (target: string): XnnpackOperator => ({
  target,
  check(node, context) {
    const base = floatInOut(node, context);
    if (!base.supported) return base;
    const symbolic = outputShape(node).filter((d) => isSymbolic(d)).length;
    if (symbolic > 1) return declined('more than one symbolic dimension (XNNPACK infers at most one)');
    const sizes = node.args[1];
    // A size computed at run time would have to become a payload input, which XNNPACK has not.
    if (sizes?.kind === 'list' && sizes.items.some((item) => item.kind === 'node')) return declined('a size is a run-time value');
    return supported;
  },
  lower(node, builder) {
    const shape = outputShape(node).map((d) => (typeof d === 'number' ? d : 0));
    builder.add({ kind: 'StaticReshape', numDims: shape.length, newShape: shape, inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
  },
});

function normalizeDim(dim: number, rank: number): number {
  return dim < 0 ? dim + rank : dim;
}

function intList(arg: Argument | undefined): number[] | undefined {
  if (arg?.kind !== 'list' || !arg.items.every((item) => item.kind === 'int')) return undefined;
  return arg.items.map((item) => (item as { value: number }).value);
}

const permute: XnnpackOperator = {
  target: 'aten::permute_copy',
  check: (node, context) => (intList(node.args[1]) ? floatInOut(node, context) : declined('dims are not constant')),
  lower(node, builder, context) {
    const rank = context.rank(node.args[0])!;
    const perm = intList(node.args[1])!.map((d) => normalizeDim(d, rank));
    builder.add({ kind: 'StaticTranspose', numDims: rank, perm, inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
  },
};

const transpose: XnnpackOperator = {
  target: 'aten::transpose_copy.int',
  check: (node, context) => (numberOf(node.args[1]) === undefined || numberOf(node.args[2]) === undefined ? declined('dims are not constant') : floatInOut(node, context)),
  lower(node, builder, context) {
    const rank = context.rank(node.args[0])!;
    const perm = Array.from({ length: rank }, (_, i) => i);
    const a = normalizeDim(numberOf(node.args[1])!, rank);
    const b = normalizeDim(numberOf(node.args[2])!, rank);
    [perm[a], perm[b]] = [perm[b]!, perm[a]!];
    builder.add({ kind: 'StaticTranspose', numDims: rank, perm, inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
  },
};

const slice: XnnpackOperator = {
  target: 'aten::slice_copy.Tensor',
  check(node, context) {
    const base = floatInOut(node, context);
    if (!base.supported) return base;
    if (!context.staticShape(node.args[0])) return declined('the input shape is symbolic');
    if (numberOf(node.args[4]) !== 1) return declined('only step 1');
    if ([2, 3].some((i) => node.args[i]?.kind !== 'none' && numberOf(node.args[i]) === undefined)) return declined('bounds are not constant');
    return supported;
  },
  lower(node, builder, context) {
    const shape = context.staticShape(node.args[0])!;
    const dim = normalizeDim(numberOf(node.args[1]) ?? 0, shape.length);
    const clampIndex = (value: number | undefined, fallback: number) => {
      if (value === undefined) return fallback;
      const index = value < 0 ? value + shape[dim]! : value;
      return Math.min(Math.max(index, 0), shape[dim]!);
    };
    const start = clampIndex(numberOf(node.args[2]), 0);
    const end = Math.max(clampIndex(numberOf(node.args[3]), shape[dim]!), start);
    const offsets = shape.map((_, i) => (i === dim ? start : 0));
    const sizes = shape.map((d, i) => (i === dim ? end - start : d));
    builder.add({ kind: 'StaticSlice', numDims: shape.length, offsets, sizes, inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
  },
};

const CONCATENATE = ['Concatenate2', 'Concatenate3', 'Concatenate4', 'Concatenate5'] as const;

const cat: XnnpackOperator = {
  target: 'aten::cat',
  check(node, context) {
    const tensors = node.args[0];
    if (tensors?.kind !== 'list' || tensors.items.length < 2 || tensors.items.length > 5) return declined('XNNPACK concatenates two to five tensors');
    if (!tensors.items.every((item) => context.isFloatTensor(item)) || !context.producesFloat(node)) return declined('inputs must be fp32');
    return supported;
  },
  lower(node, builder, context) {
    const items = (node.args[0] as Extract<Argument, { kind: 'list' }>).items as readonly NodeArgument[];
    const ids = items.map((item) => builder.valueOf(item));
    const axis = normalizeDim(numberOf(node.args[1]) ?? 0, context.rank(items[0])!);
    builder.add({
      kind: CONCATENATE[ids.length - 2]!,
      axis,
      input1Id: ids[0]!,
      input2Id: ids[1]!,
      input3Id: ids[2] ?? 0xffffffff,
      input4Id: ids[3] ?? 0xffffffff,
      input5Id: ids[4] ?? 0xffffffff,
      outputId: builder.result(node),
      flags: 0,
    });
  },
};

const clamp: XnnpackOperator = {
  target: 'aten::clamp',
  check(node, context) {
    if ([1, 2].some((i) => node.args[i]?.kind !== 'none' && numberOf(node.args[i]) === undefined)) return declined('bounds must be numbers');
    return floatInOut(node, context);
  },
  lower(node, builder: XnnGraphBuilder) {
    const min = numberOf(node.args[1]) ?? -Infinity;
    const max = numberOf(node.args[2]) ?? Infinity;
    builder.add({ kind: 'Clamp', inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0, outputMinMax: { min, max } });
  },
};

/** The data movement and clamp operator entries. */
export function layoutOperators(): XnnpackOperator[] {
  return [reshape('aten::view_copy'), reshape('aten::unsqueeze_copy'), permute, transpose, slice, cat, clamp];
}
