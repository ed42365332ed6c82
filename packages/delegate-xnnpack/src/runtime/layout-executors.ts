/**
 * Executors for XNNPACK's data movement nodes: static reshape (one 0 in `new_shape` is inferred),
 * static transpose, static slice (a size of 0 runs to the end of the dimension) and
 * concatenation of two to five inputs along an axis.
 */

import { ShapeError } from '@etch/core';
import type { XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
import { stridesOf } from '@etch/core/kernels';
import { ExecutionContext, numelOf } from './execution-context.js';
import type { Executor } from './elementwise-executors.js';

const label = (node: { kind: string; debugHandle: number }) => `XNNPACK ${node.kind} ${node.debugHandle}`;

function runReshape(node: XnnNodeOf<'StaticReshape'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const total = numelOf(input.shape);
  const known = node.newShape.reduce((n, d) => (d === 0 ? n : n * d), 1);
  const inferred = node.newShape.filter((d) => d === 0).length;
  if (inferred > 1 || (inferred === 0 && known !== total) || (inferred === 1 && (known === 0 || total % known !== 0))) {
    throw new ShapeError(`cannot reshape [${input.shape.join(', ')}] to [${node.newShape.join(', ')}]`, { node: label(node) });
  }
  const shape = node.newShape.map((d) => (d === 0 ? total / known : d));
  context.set(node.outputId, { kind: 'float', shape, data: input.data });
}

function runTranspose(node: XnnNodeOf<'StaticTranspose'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const rank = input.shape.length;
  const perm = node.perm;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`permutation [${perm.join(', ')}] does not fit rank ${rank}`, { node: label(node) });
  }
  const shape = perm.map((p) => input.shape[p]!);
  const out = context.output(node.outputId, shape);
  const inStrides = stridesOf(input.shape);
  const strides = perm.map((p) => inStrides[p]!);
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = input.data[offset]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      offset -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  context.set(node.outputId, out);
}

/** Copies the box `[offsets, offsets + sizes)` of `input` (shape `inShape`) into `out` at `outOffsets` within `outShape`. */
function copyBox(input: Float32Array, inShape: readonly number[], offsets: readonly number[], sizes: readonly number[], out: Float32Array, outShape: readonly number[], outOffsets: readonly number[]): void {
  const rank = sizes.length;
  if (numelOf(sizes) === 0) return;
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  const inner = sizes[rank - 1]!;
  const counter = new Array<number>(rank - 1).fill(0);
  const rows = numelOf(sizes.slice(0, -1));
  for (let r = 0; r < rows; r++) {
    let source = 0;
    let target = 0;
    for (let d = 0; d < rank - 1; d++) {
      source += (offsets[d]! + counter[d]!) * inStrides[d]!;
      target += (outOffsets[d]! + counter[d]!) * outStrides[d]!;
    }
    source += offsets[rank - 1]!;
    target += outOffsets[rank - 1]!;
    out.set(input.subarray(source, source + inner), target);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < sizes[d]!) break;
      counter[d] = 0;
    }
  }
}

function runSlice(node: XnnNodeOf<'StaticSlice'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const rank = input.shape.length;
  if (node.offsets.length !== rank || node.sizes.length !== rank) throw new ShapeError(`slice of rank ${node.offsets.length} applied to rank ${rank}`, { node: label(node) });
  const sizes = node.sizes.map((size, d) => (size === 0 ? input.shape[d]! - node.offsets[d]! : size));
  if (sizes.some((size, d) => size < 0 || node.offsets[d]! + size > input.shape[d]!)) {
    throw new ShapeError(`slice at [${node.offsets.join(', ')}] of size [${sizes.join(', ')}] exceeds [${input.shape.join(', ')}]`, { node: label(node) });
  }
  const out = context.output(node.outputId, sizes);
  copyBox(input.data, input.shape, node.offsets, sizes, out.data, sizes, new Array<number>(rank).fill(0));
  context.set(node.outputId, out);
}

function runConcatenate(node: XnnNodeOf<'Concatenate2' | 'Concatenate3' | 'Concatenate4' | 'Concatenate5'>, context: ExecutionContext): void {
  const count = Number(node.kind.slice('Concatenate'.length));
  const ids = [node.input1Id, node.input2Id, node.input3Id, node.input4Id, node.input5Id].slice(0, count);
  const inputs = ids.map((id) => context.float(id, node));
  const first = inputs[0]!;
  const axis = node.axis;
  if (axis >= first.shape.length) throw new ShapeError(`axis ${axis} is out of range for rank ${first.shape.length}`, { node: label(node) });
  for (const input of inputs) {
    if (input.shape.length !== first.shape.length || input.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new ShapeError(`cannot concatenate [${input.shape.join(', ')}] with [${first.shape.join(', ')}] along ${axis}`, { node: label(node) });
    }
  }
  const shape = [...first.shape];
  shape[axis] = inputs.reduce((n, input) => n + input.shape[axis]!, 0);
  const out = context.output(node.outputId, shape);
  let position = 0;
  for (const input of inputs) {
    const outOffsets = new Array<number>(shape.length).fill(0);
    outOffsets[axis] = position;
    copyBox(input.data, input.shape, new Array<number>(shape.length).fill(0), input.shape, out.data, shape, outOffsets);
    position += input.shape[axis]!;
  }
  context.set(node.outputId, out);
}

/** Executors of the data movement node kinds. */
export function layoutExecutors(): Partial<Record<NodeKind, Executor>> {
  return {
    StaticReshape: runReshape,
    StaticTranspose: runTranspose,
    StaticSlice: runSlice,
    Concatenate2: runConcatenate,
    Concatenate3: runConcatenate,
    Concatenate4: runConcatenate,
    Concatenate5: runConcatenate,
  };
}
