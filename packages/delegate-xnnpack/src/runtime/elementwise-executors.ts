/**
 * Executors for XNNPACK's elementwise nodes: binary arithmetic with numpy-style broadcasting
 * (trailing dimensions aligned), and unary math, each rounded to float32 as XNNPACK computes.
 */

import { ShapeError } from '@etch/core';
import { broadcastIndex } from '@etch/core/kernels';
import type { XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
import { ExecutionContext } from './execution-context.js';

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
 * (`period` = its length) or stretched (`inner` > 1). One loop per operator keeps the arithmetic
 * inline: these run on every token, on small tensors. Stores into Float32Array round as XNNPACK.
 */
function arithmetic(kind: 'Add' | 'Subtract' | 'Multiply' | 'Div', x: Float32Array, y: Float32Array, o: Float32Array, period: number, inner: number): void {
  const n = o.length;
  if (inner > 1) {
    for (let i = 0, j = 0; i < n; j++) {
      const v = y[j]!;
      const end = i + inner;
      if (kind === 'Add') for (; i < end; i++) o[i] = x[i]! + v;
      else if (kind === 'Subtract') for (; i < end; i++) o[i] = x[i]! - v;
      else if (kind === 'Multiply') for (; i < end; i++) o[i] = x[i]! * v;
      else for (; i < end; i++) o[i] = x[i]! / v;
    }
    return;
  }
  for (let start = 0; start < n; start += period) {
    if (kind === 'Add') for (let j = 0; j < period; j++) o[start + j] = x[start + j]! + y[j]!;
    else if (kind === 'Subtract') for (let j = 0; j < period; j++) o[start + j] = x[start + j]! - y[j]!;
    else if (kind === 'Multiply') for (let j = 0; j < period; j++) o[start + j] = x[start + j]! * y[j]!;
    else for (let j = 0; j < period; j++) o[start + j] = x[start + j]! / y[j]!;
  }
}

const COMMUTATIVE = new Set<BinaryKind>(['Add', 'Multiply', 'Maximum', 'Minimum']);

/** How a binary node maps its operands onto its output, for one pair of input shapes. */
interface BinaryPlan {
  readonly aShape: readonly number[];
  readonly bShape: readonly number[];
  readonly shape: readonly number[];
  /** Operands swapped so the one laid out like the output comes first (commutative kinds). */
  readonly swap: boolean;
  /** `arithmetic` loops, or index maps for anything else. */
  readonly period: number;
  readonly inner: number;
  readonly indices: { readonly a: Int32Array | number[]; readonly b: Int32Array | number[] } | null;
}

/** Plans by node: a decoder calls every node with the same shapes token after token. */
const binaryPlans = new WeakMap<object, BinaryPlan>();

const sameShape = (left: readonly number[], right: readonly number[]) => left.length === right.length && left.every((d, i) => d === right[i]);

function planBinary(node: XnnNodeOf<BinaryKind>, aShape: readonly number[], bShape: readonly number[]): BinaryPlan {
  const cached = binaryPlans.get(node);
  if (cached && sameShape(cached.aShape, aShape) && sameShape(cached.bShape, bShape)) return cached;
  const shape = broadcastShape(aShape, bShape, `XNNPACK ${node.kind} ${node.debugHandle}`);
  let aPattern = broadcastPattern(aShape, shape);
  let bPattern = broadcastPattern(bShape, shape);
  const swap = aPattern.kind !== 'same' && bPattern.kind === 'same' && COMMUTATIVE.has(node.kind);
  if (swap) [aPattern, bPattern] = [bPattern, aPattern];
  const n = shape.reduce((count, d) => count * d, 1);
  const arithmetic = node.kind !== 'Maximum' && node.kind !== 'Minimum' && aPattern.kind === 'same' && bPattern.kind !== 'general';
  const plan: BinaryPlan = {
    aShape: [...aShape],
    bShape: [...bShape],
    shape,
    swap,
    period: bPattern.kind === 'tile' ? (swap ? aShape : bShape).reduce((count, d) => count * d, 1) : n,
    inner: bPattern.kind === 'stretch' ? bPattern.inner : 1,
    indices: arithmetic ? null : { a: broadcastIndex(swap ? bShape : aShape, shape), b: broadcastIndex(swap ? aShape : bShape, shape) },
  };
  binaryPlans.set(node, plan);
  return plan;
}

function runBinary(node: XnnNodeOf<BinaryKind>, context: ExecutionContext): void {
  const a = context.float(node.input1Id, node);
  const b = context.float(node.input2Id, node);
  const plan = planBinary(node, a.shape, b.shape);
  const out = context.output(node.outputId, plan.shape);
  const o = out.data;
  const x = plan.swap ? b.data : a.data;
  const y = plan.swap ? a.data : b.data;
  if (plan.indices === null) {
    arithmetic(node.kind as 'Add' | 'Subtract' | 'Multiply' | 'Div', x, y, o, plan.period, plan.inner);
  } else {
    const fn = BINARY[node.kind];
    const { a: ia, b: ib } = plan.indices;
    for (let i = 0; i < o.length; i++) o[i] = fn(x[ia[i]!]!, y[ib[i]!]!);
  }
  context.set(node.outputId, out);
}

function runUnary(node: XnnNodeOf<UnaryKind>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  const x = input.data;
  const o = out.data;
  const n = o.length;
  // The operators of every decoder layer get their own loop (a shared call through the table is
  // megamorphic and several times slower); stores into Float32Array round as XNNPACK does.
  switch (node.kind) {
    case 'Sigmoid':
      for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-x[i]!));
      break;
    case 'Negate':
      for (let i = 0; i < n; i++) o[i] = -x[i]!;
      break;
    case 'ReciprocalSquareRoot':
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]!);
      break;
    case 'Square':
      for (let i = 0; i < n; i++) o[i] = x[i]! * x[i]!;
      break;
    case 'Clamp':
    case 'Copy':
      o.set(x);
      break;
    default: {
      const fn = UNARY[node.kind];
      for (let i = 0; i < n; i++) o[i] = fn(x[i]!);
    }
  }
  context.set(node.outputId, out);
}

function runLeakyRelu(node: XnnNodeOf<'LeakyReLU'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  for (let i = 0; i < out.data.length; i++) {
    const x = input.data[i]!;
    out.data[i] = x < 0 ? f(x * node.negativeSlope) : x;
  }
  context.set(node.outputId, out);
}

function runElu(node: XnnNodeOf<'ELU'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = context.output(node.outputId, input.shape);
  for (let i = 0; i < out.data.length; i++) {
    const x = input.data[i]!;
    out.data[i] = x < 0 ? f(node.alpha * Math.expm1(x)) : x;
  }
  context.set(node.outputId, out);
}

/** Runs one node kind; `node` is narrowed by the table that maps kinds to executors. */
export type Executor = (node: never, context: ExecutionContext) => void;

/** Executors of the elementwise node kinds. */
export function elementwiseExecutors(): Partial<Record<NodeKind, Executor>> {
  const table: Partial<Record<NodeKind, Executor>> = { LeakyReLU: runLeakyRelu, ELU: runElu };
  for (const kind of Object.keys(BINARY) as BinaryKind[]) table[kind] = runBinary;
  for (const kind of Object.keys(UNARY) as UnaryKind[]) table[kind] = runUnary;
  return table;
}
