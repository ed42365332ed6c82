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
  const offset = out.length - shape.length;
  const aligned = (i: number) => shape[i - offset] ?? 1;
  let first = 0;
  while (first < out.length && aligned(first) === 1 && out[first] !== 1) first++;
  let last = out.length;
  while (last > first && aligned(last - 1) === 1 && out[last - 1] !== 1) last--;
  for (let i = first; i < last; i++) if (aligned(i) !== out[i]) return { kind: 'general' };
  if (first === 0 && last === out.length) return { kind: 'same' };
  if (last === out.length) return { kind: 'tile' };
  if (first === 0) return { kind: 'stretch', inner: out.slice(last).reduce((n, d) => n * d, 1) };
  return { kind: 'general' };
}

function runBinary(node: XnnNodeOf<BinaryKind>, context: ExecutionContext): void {
  const a = context.float(node.input1Id, node);
  const b = context.float(node.input2Id, node);
  const shape = broadcastShape(a.shape, b.shape, `XNNPACK ${node.kind} ${node.debugHandle}`);
  const out = ExecutionContext.allocate(shape);
  const fn = BINARY[node.kind];
  const n = out.data.length;
  const x = a.data;
  const y = b.data;
  const o = out.data;
  const aPattern = broadcastPattern(a.shape, shape);
  const bPattern = broadcastPattern(b.shape, shape);
  if (aPattern.kind === 'same' && bPattern.kind === 'same') {
    for (let i = 0; i < n; i++) o[i] = fn(x[i]!, y[i]!);
  } else if (aPattern.kind === 'same' && bPattern.kind === 'tile') {
    // b repeats along the leading dimensions (a bias, a norm weight).
    const period = y.length;
    for (let i = 0; i < n; i++) o[i] = fn(x[i]!, y[i % period]!);
  } else if (aPattern.kind === 'tile' && bPattern.kind === 'same') {
    const period = x.length;
    for (let i = 0; i < n; i++) o[i] = fn(x[i % period]!, y[i]!);
  } else if (aPattern.kind === 'same' && bPattern.kind === 'stretch') {
    // b holds one value per run of `inner` elements (a per-row scale such as RMSNorm's).
    const inner = bPattern.inner;
    for (let i = 0; i < n; i++) o[i] = fn(x[i]!, y[(i / inner) | 0]!);
  } else if (aPattern.kind === 'stretch' && bPattern.kind === 'same') {
    const inner = aPattern.inner;
    for (let i = 0; i < n; i++) o[i] = fn(x[(i / inner) | 0]!, y[i]!);
  } else {
    const ia = broadcastIndex(a.shape, shape);
    const ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) o[i] = fn(x[ia[i]!]!, y[ib[i]!]!);
  }
  context.set(node.outputId, out);
}

function runUnary(node: XnnNodeOf<UnaryKind>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = ExecutionContext.allocate(input.shape);
  const fn = UNARY[node.kind];
  for (let i = 0; i < out.data.length; i++) out.data[i] = fn(input.data[i]!);
  context.set(node.outputId, out);
}

function runLeakyRelu(node: XnnNodeOf<'LeakyReLU'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = ExecutionContext.allocate(input.shape);
  for (let i = 0; i < out.data.length; i++) {
    const x = input.data[i]!;
    out.data[i] = x < 0 ? f(x * node.negativeSlope) : x;
  }
  context.set(node.outputId, out);
}

function runElu(node: XnnNodeOf<'ELU'>, context: ExecutionContext): void {
  const input = context.float(node.inputId, node);
  const out = ExecutionContext.allocate(input.shape);
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
