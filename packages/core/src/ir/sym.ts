/**
 * Symbolic dimensions. A dynamic-length prefill program has one symbol (the sequence length) with
 * `[min, max]` bounds, and every dynamic size in it is an affine expression of that symbol
 * (`s`, `4·s`, `s + 1`). Affine expressions are enough for decoder graphs with a static cache
 * and keep equality checks exact; anything else is rejected with a clear error.
 */

import { ShapeError } from '../errors.js';

export interface SymDim {
  readonly sym: string;
  readonly coefficient: number;
  readonly offset: number;
}

export type Dim = number | SymDim;

export interface SymbolBounds {
  min: number;
  max: number;
}

export type SymbolTable = Record<string, SymbolBounds>;

export function sym(name: string, coefficient = 1, offset = 0): SymDim {
  return { sym: name, coefficient, offset };
}

export function isSymbolic(dim: Dim): dim is SymDim {
  return typeof dim !== 'number';
}

export function isStaticShape(shape: readonly Dim[]): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

function normalize(dim: SymDim): Dim {
  return dim.coefficient === 0 ? dim.offset : dim;
}

export function dimEquals(a: Dim, b: Dim): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.sym === b.sym && a.coefficient === b.coefficient && a.offset === b.offset;
}

export function shapeEquals(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]!));
}

export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'number') return normalize({ ...(b as SymDim), offset: (b as SymDim).offset + a });
  if (typeof b === 'number') return normalize({ ...a, offset: a.offset + b });
  if (a.sym !== b.sym) throw new ShapeError(`cannot add dimensions of different symbols ${dimToString(a)} + ${dimToString(b)}`);
  return normalize({ sym: a.sym, coefficient: a.coefficient + b.coefficient, offset: a.offset + b.offset });
}

export function mulDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'number') return normalize({ sym: (b as SymDim).sym, coefficient: (b as SymDim).coefficient * a, offset: (b as SymDim).offset * a });
  if (typeof b === 'number') return normalize({ sym: a.sym, coefficient: a.coefficient * b, offset: a.offset * b });
  throw new ShapeError(`product of two symbolic dimensions ${dimToString(a)} · ${dimToString(b)} is not affine`);
}

/** Exact division; throws when the result would not be an affine integer expression. */
export function divDim(a: Dim, divisor: number): Dim {
  if (typeof a === 'number') {
    if (a % divisor !== 0) throw new ShapeError(`${a} is not divisible by ${divisor}`);
    return a / divisor;
  }
  if (a.coefficient % divisor !== 0 || a.offset % divisor !== 0) {
    throw new ShapeError(`${dimToString(a)} is not divisible by ${divisor}`);
  }
  return normalize({ sym: a.sym, coefficient: a.coefficient / divisor, offset: a.offset / divisor });
}

export function numelDims(shape: readonly Dim[]): Dim {
  return shape.reduce<Dim>((acc, d) => mulDims(acc, d), 1);
}

/** Value of a dimension once its symbol is bound. */
export function evaluateDim(dim: Dim, bindings: Readonly<Record<string, number>>): number {
  if (typeof dim === 'number') return dim;
  const value = bindings[dim.sym];
  if (value === undefined) throw new ShapeError(`symbol '${dim.sym}' is not bound`);
  return dim.coefficient * value + dim.offset;
}

/** Largest value the dimension can take within the symbol's bounds (what memory is planned for). */
export function upperBound(dim: Dim, symbols: SymbolTable): number {
  if (typeof dim === 'number') return dim;
  const bounds = symbols[dim.sym];
  if (!bounds) throw new ShapeError(`symbol '${dim.sym}' has no bounds`);
  const atMax = dim.coefficient * bounds.max + dim.offset;
  const atMin = dim.coefficient * bounds.min + dim.offset;
  return Math.max(atMax, atMin);
}

export function dimToString(dim: Dim): string {
  if (typeof dim === 'number') return String(dim);
  const scaled = dim.coefficient === 1 ? dim.sym : `${dim.coefficient}*${dim.sym}`;
  if (dim.offset === 0) return scaled;
  return dim.offset > 0 ? `${scaled}+${dim.offset}` : `${scaled}${dim.offset}`;
}

export function shapeToString(shape: readonly Dim[]): string {
  return `[${shape.map(dimToString).join(', ')}]`;
}
