/**
 * Planners for XNNPACK's elementwise nodes: binary arithmetic with numpy-style broadcasting
 * (trailing dimensions aligned), and unary math, each rounded to float32 as XNNPACK computes.
 * Broadcasting is resolved when the plan is built; the kernels' activation memory computes the
 * common operators and broadcast patterns, and host loops the rest.
 */

import { ShapeError } from '@etch/core';
import { broadcastIndex } from '@etch/core/kernels';
import type { XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
import { type ActivationMemory, BINARY_OPERATORS, UNARY_OPERATORS } from '../kernels/activation-memory.js';
import { type FloatSlot, type PlanContext, type Step, numelOf } from './plan-context.js';

type BinaryKind = 'Add' | 'Subtract' | 'Multiply' | 'Div' | 'Maximum' | 'Minimum';
type UnaryKind =
  | 'Sigmoid' | 'Negate' | 'Square' | 'SquareRoot' | 'ReciprocalSquareRoot' | 'Abs' | 'Exp' | 'Log' | 'Tanh'
  | 'Sin' | 'Cos' | 'Floor' | 'Ceiling' | 'Clamp' | 'Copy' | 'Gelu' | 'Hardswish';

const f = Math.fround;

const BINARY: Record<BinaryKind, (x: number, y: number) => number> = {
  Add: (x, y) => f(x + y),
  Subtract: (x, y) => f(x - y),
  Multiply: (x, y) => f(x * y),
  Div: (x, y) => f(x / y),
  Maximum: (x, y) => Math.max(x, y),
  Minimum: (x, y) => Math.min(x, y),
};

const SQRT_HALF = Math.SQRT1_2;

/** erf from Numerical Recipes' Chebyshev fit of erfc (relative error below 1.2e-7, enough for float32). */
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

const UNARY: Record<UnaryKind, (x: number) => number> = {
  Sigmoid: (x) => f(1 / (1 + Math.exp(-x))),
  Negate: (x) => -x,
  Square: (x) => f(x * x),
  SquareRoot: (x) => f(Math.sqrt(x)),
  ReciprocalSquareRoot: (x) => f(1 / Math.sqrt(x)),
  Abs: (x) => Math.abs(x),
  Exp: (x) => f(Math.exp(x)),
  Log: (x) => f(Math.log(x)),
  Tanh: (x) => f(Math.tanh(x)),
  Sin: (x) => f(Math.sin(x)),
  Cos: (x) => f(Math.cos(x)),
  Floor: (x) => Math.floor(x),
  Ceiling: (x) => Math.ceil(x),
  // The bounds come from the node's output_min_max, applied by the interpreter after every node.
  Clamp: (x) => x,
  Copy: (x) => x,
  Gelu: (x) => f(0.5 * x * (1 + erf(x * SQRT_HALF))),
  Hardswish: (x) => f((x * Math.min(Math.max(x + 3, 0), 6)) / 6),
};

/** The broadcast shape of two operands, or a ShapeError naming the node. */
export function broadcastShape(a: readonly number[], b: readonly number[], node: string): number[] {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(`cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`, { node });
    shape.push(x === 1 ? y : x);
  }
  return shape;
}

/**
 * How an operand maps onto the output: element for element (`same`), repeated whole along
 * leading dimensions (`tile`: its shape is a suffix of the output's, after leading ones), each
 * element stretched over the trailing `inner` output elements (`stretch`: its shape is a prefix
 * of the output's, followed by ones), or anything else (`general`). Scalars are a `tile`.
 */
type BroadcastPattern = { kind: 'same' } | { kind: 'tile' } | { kind: 'stretch'; inner: number } | { kind: 'general' };

function broadcastPattern(shape: readonly number[], out: readonly number[]): BroadcastPattern {
  // Output dimensions of size 1 do not affect the layout: drop them first.
  const offset = out.length - shape.length;
  const kept = out.map((size, i) => [size, shape[i - offset] ?? 1] as const).filter(([size]) => size !== 1);
  let first = 0;
  while (first < kept.length && kept[first]![1] === 1) first++;
  let last = kept.length;
  while (last > first && kept[last - 1]![1] === 1) last--;
  for (let i = first; i < last; i++) if (kept[i]![1] !== kept[i]![0]) return { kind: 'general' };
  if (first === 0 && last === kept.length) return { kind: 'same' };
  if (last === kept.length) return { kind: 'tile' };
  if (first === 0) return { kind: 'stretch', inner: kept.slice(last).reduce((n, [size]) => n * size, 1) };
  return { kind: 'general' };
}

const COMMUTATIVE = new Set<BinaryKind>(['Add', 'Multiply', 'Maximum', 'Minimum']);

const label = (node: { kind: string; debugHandle: number }) => `XNNPACK ${node.kind} ${node.debugHandle}`;

function planBinary(node: XnnNodeOf<BinaryKind>, context: PlanContext): Step {
  const a = context.float(node.input1Id, node);
  const b = context.float(node.input2Id, node);
  const shape = broadcastShape(a.shape, b.shape, label(node));
  let aPattern = broadcastPattern(a.shape, shape);
  let bPattern = broadcastPattern(b.shape, shape);
  // Operands swapped so the one laid out like the output comes first (commutative kinds).
  const swap = aPattern.kind !== 'same' && bPattern.kind === 'same' && COMMUTATIVE.has(node.kind);
  if (swap) [aPattern, bPattern] = [bPattern, aPattern];
  const [x, y] = swap ? [b, a] : [a, b];
  const out = context.output(node.outputId, shape);
  const n = numelOf(shape);
  const { memory } = context;
  if (aPattern.kind === 'same' && bPattern.kind !== 'general') {
    const operator = BINARY_OPERATORS.indexOf(node.kind);
    const period = bPattern.kind === 'tile' ? numelOf(y.shape) : n;
    const inner = bPattern.kind === 'stretch' ? bPattern.inner : 1;
    return () => memory.binary(operator, x.address, y.address, out.address, n, period, inner);
  }
  const fn = BINARY[node.kind];
  const ia = broadcastIndex(x.shape, shape);
  const ib = broadcastIndex(y.shape, shape);
  return () => {
    const m = memory.floats();
    const [xs, ys, os] = [x.address >> 2, y.address >> 2, out.address >> 2];
    for (let i = 0; i < n; i++) m[os + i] = fn(m[xs + ia[i]!]!, m[ys + ib[i]!]!);
  };
}

/** A step applying `fn` to every element of `input`, on the host. */
function hostStep(memory: ActivationMemory, input: FloatSlot, out: FloatSlot, fn: (x: number) => number): Step {
  const n = numelOf(out.shape);
  return () => {
    const m = memory.floats();
    const [xs, os] = [input.address >> 2, out.address >> 2];
    for (let i = 0; i < n; i++) m[os + i] = fn(m[xs + i]!);
  };
}

function planUnary(node: XnnNodeOf<UnaryKind>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  const n = numelOf(input.shape);
  const { memory } = context;
  const operator = (UNARY_OPERATORS as readonly string[]).indexOf(node.kind);
  if (operator >= 0) return () => memory.unary(operator, input.address, out.address, n);
  // Clamp's bounds come from the node's output_min_max, applied by a step of its own.
  if (node.kind === 'Clamp' || node.kind === 'Copy') return () => memory.floats().copyWithin(out.address >> 2, input.address >> 2, (input.address >> 2) + n);
  return hostStep(memory, input, out, UNARY[node.kind]);
}

function planLeakyRelu(node: XnnNodeOf<'LeakyReLU'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const slope = node.negativeSlope;
  return hostStep(context.memory, input, context.output(node.outputId, input.shape), (x) => (x < 0 ? f(x * slope) : x));
}

function planElu(node: XnnNodeOf<'ELU'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const alpha = node.alpha;
  return hostStep(context.memory, input, context.output(node.outputId, input.shape), (x) => (x < 0 ? f(alpha * Math.expm1(x)) : x));
}

/**
 * Plans one node kind for the plan's input shapes: checks them, takes its output slots and
 * returns the step computing it, or nothing when the node only relabels a value. `node` is
 * narrowed by the table that maps kinds to planners.
 */
export type NodePlanner = (node: never, context: PlanContext) => Step | undefined;

/** Planners of the elementwise node kinds. */
export function elementwisePlanners(): Partial<Record<NodeKind, NodePlanner>> {
  const table: Partial<Record<NodeKind, NodePlanner>> = { LeakyReLU: planLeakyRelu, ELU: planElu };
  for (const kind of Object.keys(BINARY) as BinaryKind[]) table[kind] = planBinary;
  for (const kind of Object.keys(UNARY) as UnaryKind[]) table[kind] = planUnary;
  return table;
}
