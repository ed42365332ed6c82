/**
 * Planners for XNNPACK's data movement nodes: static reshape (one 0 in `new_shape` is inferred),
 * static transpose, static slice (a size of 0 runs to the end of the dimension) and
 * concatenation of two to five inputs along an axis. Reshapes, and transposes that only move
 * dimensions of size 1 (most of them while decoding one token), relabel their input's data; the
 * others copy contiguous runs, placed when the plan is built, within the activation memory.
 */

import { ShapeError } from '@etch/core';
import type { XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
import { stridesOf } from '@etch/core/kernels';
import { type FloatSlot, type PlanContext, type Step, numelOf } from './plan-context.js';
import type { NodePlanner } from './elementwise-planners.js';
import type { ActivationMemory } from '../kernels/activation-memory.js';

const label = (node: { kind: string; debugHandle: number }) => `XNNPACK ${node.kind} ${node.debugHandle}`;


function planReshape(node: XnnNodeOf<'StaticReshape'>, context: PlanContext): undefined {
  const input = context.float(node.inputId, node);
  const total = numelOf(input.shape);
  const known = node.newShape.reduce((n, d) => (d === 0 ? n : n * d), 1);
  const inferred = node.newShape.filter((d) => d === 0).length;
  if (inferred > 1 || (inferred === 0 && known !== total) || (inferred === 1 && (known === 0 || total % known !== 0))) {
    throw new ShapeError(`cannot reshape [${input.shape.join(', ')}] to [${node.newShape.join(', ')}]`, { node: label(node) });
  }
  context.alias(node.outputId, node.inputId, input, node.newShape.map((d) => (d === 0 ? total / known : d)));
  return undefined;
}

/** Runs of `length` contiguous elements copied from `source[i]` to `target[i]`. */
interface CopyRuns {
  readonly input: FloatSlot;
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly length: number;
}

function copyStep(memory: ActivationMemory, out: FloatSlot, runs: readonly CopyRuns[]): Step {
  return () => {
    const m = memory.floats();
    const o = out.address >> 2;
    for (const { input, source, target, length } of runs) {
      const x = input.address >> 2;
      if (length === 1) {
        for (let r = 0; r < source.length; r++) m[o + target[r]!] = m[x + source[r]!]!;
        continue;
      }
      for (let r = 0; r < source.length; r++) m.copyWithin(o + target[r]!, x + source[r]!, x + source[r]! + length);
    }
  };
}

/** The runs copying the box `[offsets, offsets + sizes)` of `inShape` to `outOffsets` within `outShape`. */
function boxRuns(input: FloatSlot, offsets: readonly number[], sizes: readonly number[], outShape: readonly number[], outOffsets: readonly number[]): CopyRuns {
  const rank = sizes.length;
  const inStrides = stridesOf(input.shape);
  const outStrides = stridesOf(outShape);
  const length = sizes[rank - 1]!;
  const count = numelOf(sizes) === 0 ? 0 : numelOf(sizes.slice(0, -1));
  const source = new Int32Array(count);
  const target = new Int32Array(count);
  const counter = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < count; r++) {
    let from = offsets[rank - 1]!;
    let to = outOffsets[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) {
      from += (offsets[d]! + counter[d]!) * inStrides[d]!;
      to += (outOffsets[d]! + counter[d]!) * outStrides[d]!;
    }
    source[r] = from;
    target[r] = to;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < sizes[d]!) break;
      counter[d] = 0;
    }
  }
  return { input, source, target, length };
}

function planTranspose(node: XnnNodeOf<'StaticTranspose'>, context: PlanContext): Step | undefined {
  const input = context.float(node.inputId, node);
  const rank = input.shape.length;
  const perm = node.perm;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`permutation [${perm.join(', ')}] does not fit rank ${rank}`, { node: label(node) });
  }
  const shape = perm.map((p) => input.shape[p]!);
  const moved = perm.filter((p) => input.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || moved[i - 1]! < p)) {
    context.alias(node.outputId, node.inputId, input, shape);
    return undefined;
  }
  const out = context.output(node.outputId, shape);
  // Runs along the last output dimension when it is the input's last too, else single elements.
  const length = perm[rank - 1] === rank - 1 ? shape[rank - 1]! : 1;
  const count = numelOf(shape) / Math.max(length, 1);
  const inStrides = stridesOf(input.shape);
  const strides = perm.map((p) => inStrides[p]!);
  const source = new Int32Array(length === 0 ? 0 : count);
  const target = new Int32Array(source.length);
  const outer = length === 1 ? rank : rank - 1;
  const counter = new Array<number>(outer).fill(0);
  for (let r = 0; r < source.length; r++) {
    let from = 0;
    for (let d = 0; d < outer; d++) from += counter[d]! * strides[d]!;
    source[r] = from;
    target[r] = r * length;
    for (let d = outer - 1; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < shape[d]!) break;
      counter[d] = 0;
    }
  }
  return copyStep(context.memory, out, [{ input, source, target, length }]);
}

function planSlice(node: XnnNodeOf<'StaticSlice'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const rank = input.shape.length;
  if (node.offsets.length !== rank || node.sizes.length !== rank) throw new ShapeError(`slice of rank ${node.offsets.length} applied to rank ${rank}`, { node: label(node) });
  const sizes = node.sizes.map((size, d) => (size === 0 ? input.shape[d]! - node.offsets[d]! : size));
  if (sizes.some((size, d) => size < 0 || node.offsets[d]! + size > input.shape[d]!)) {
    throw new ShapeError(`slice at [${node.offsets.join(', ')}] of size [${sizes.join(', ')}] exceeds [${input.shape.join(', ')}]`, { node: label(node) });
  }
  const out = context.output(node.outputId, sizes);
  return copyStep(context.memory, out, [boxRuns(input, node.offsets, sizes, sizes, new Array<number>(rank).fill(0))]);
}

function planConcatenate(node: XnnNodeOf<'Concatenate2' | 'Concatenate3' | 'Concatenate4' | 'Concatenate5'>, context: PlanContext): Step {
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
  const runs = inputs.map((input) => {
    const outOffsets = new Array<number>(shape.length).fill(0);
    outOffsets[axis] = position;
    position += input.shape[axis]!;
    return boxRuns(input, new Array<number>(shape.length).fill(0), input.shape, shape, outOffsets);
  });
  return copyStep(context.memory, out, runs);
}

/** Planners of the data movement node kinds. */
export function layoutPlanners(): Partial<Record<NodeKind, NodePlanner>> {
  return {
    StaticReshape: planReshape,
    StaticTranspose: planTranspose,
    StaticSlice: planSlice,
    Concatenate2: planConcatenate,
    Concatenate3: planConcatenate,
    Concatenate4: planConcatenate,
    Concatenate5: planConcatenate,
  };
}
