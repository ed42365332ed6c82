/**
 * Planners for XNNPACK's elementwise nodes: binary arithmetic with numpy-style broadcasting
 * (trailing dimensions aligned), and unary math, each rounded to float32 as XNNPACK computes.
 * Broadcasting is resolved when the plan is built; steps are plain loops.
 */

import { ShapeError } from '@etch/core';
import { broadcastIndex } from '@etch/core/kernels';
import type { XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
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

/**
 * `o = x ∘ y` where `x` has the output's layout and `y` is the same (`period` = n), repeated
 * (`period` = its length; 1 for a scalar) or stretched (`inner` > 1). The kind is tested outside
 * the loops, which stay inline: these run on every token, on small tensors. Stores into
 * Float32Array round as XNNPACK does.
 */
function arithmeticStep(kind: ArithmeticKind, x: FloatSlot, y: FloatSlot, o: FloatSlot, period: number, inner: number): Step {
  const n = numelOf(o.shape);
  if (inner > 1) {
    const stretched = () => {
      const X = x.data;
      const Y = y.data;
      const O = o.data;
      for (let i = 0, j = 0; i < n; j++) {
        const v = Y[j]!;
        const end = i + inner;
        if (kind === 'Add') for (; i < end; i++) O[i] = X[i]! + v;
        else if (kind === 'Subtract') for (; i < end; i++) O[i] = X[i]! - v;
        else if (kind === 'Multiply') for (; i < end; i++) O[i] = X[i]! * v;
        else for (; i < end; i++) O[i] = X[i]! / v;
      }
    };
    return stretched;
  }
  if (period === 1) {
    const byScalar = () => {
      const X = x.data;
      const O = o.data;
      const v = y.data[0]!;
      if (kind === 'Add') for (let i = 0; i < n; i++) O[i] = X[i]! + v;
      else if (kind === 'Subtract') for (let i = 0; i < n; i++) O[i] = X[i]! - v;
      else if (kind === 'Multiply') for (let i = 0; i < n; i++) O[i] = X[i]! * v;
      else for (let i = 0; i < n; i++) O[i] = X[i]! / v;
    };
    return byScalar;
  }
  const tiled = () => {
    const X = x.data;
    const Y = y.data;
    const O = o.data;
    for (let start = 0; start < n; start += period) {
      if (kind === 'Add') for (let j = 0; j < period; j++) O[start + j] = X[start + j]! + Y[j]!;
      else if (kind === 'Subtract') for (let j = 0; j < period; j++) O[start + j] = X[start + j]! - Y[j]!;
      else if (kind === 'Multiply') for (let j = 0; j < period; j++) O[start + j] = X[start + j]! * Y[j]!;
      else for (let j = 0; j < period; j++) O[start + j] = X[start + j]! / Y[j]!;
    }
  };
  return tiled;
}

type ArithmeticKind = 'Add' | 'Subtract' | 'Multiply' | 'Div';

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
  if (node.kind !== 'Maximum' && node.kind !== 'Minimum' && aPattern.kind === 'same' && bPattern.kind !== 'general') {
    const period = bPattern.kind === 'tile' ? numelOf(y.shape) : n;
    return arithmeticStep(node.kind, x, y, out, period, bPattern.kind === 'stretch' ? bPattern.inner : 1);
  }
  const fn = BINARY[node.kind];
  const ia = broadcastIndex(x.shape, shape);
  const ib = broadcastIndex(y.shape, shape);
  const indexed = () => {
    const X = x.data;
    const Y = y.data;
    const O = out.data;
    for (let i = 0; i < n; i++) O[i] = fn(X[ia[i]!]!, Y[ib[i]!]!);
  };
  return indexed;
}

function planUnary(node: XnnNodeOf<UnaryKind>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  const n = numelOf(input.shape);
  const kind = node.kind;
  // The operators of every decoder layer get their own loop (a shared call through the table is
  // megamorphic and several times slower); stores into Float32Array round as XNNPACK does.
  if (kind === 'Sigmoid' || kind === 'Negate' || kind === 'ReciprocalSquareRoot' || kind === 'Square') {
    const inline = () => {
      const x = input.data;
      const o = out.data;
      if (kind === 'Sigmoid') for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-x[i]!));
      else if (kind === 'Negate') for (let i = 0; i < n; i++) o[i] = -x[i]!;
      else if (kind === 'ReciprocalSquareRoot') for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!);
      else for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
    };
    return inline;
  }
  if (kind === 'Clamp' || kind === 'Copy') return () => out.data.set(input.data);
  const fn = UNARY[kind];
  return () => {
    const x = input.data;
    const o = out.data;
    for (let i = 0; i < n; i++) o[i] = fn(x[i]!);
  };
}

function planLeakyRelu(node: XnnNodeOf<'LeakyReLU'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  const slope = node.negativeSlope;
  return () => {
    const x = input.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = x[i]! < 0 ? f(x[i]! * slope) : x[i]!;
  };
}

function planElu(node: XnnNodeOf<'ELU'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  const alpha = node.alpha;
  return () => {
    const x = input.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) o[i] = x[i]! < 0 ? f(alpha * Math.expm1(x[i]!)) : x[i]!;
  };
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
