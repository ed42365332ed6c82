/**
 * Shape and dtype rules shared by many operators: broadcasting, dim wrapping, and torch's type
 * promotion (`torch.result_type`). They work on possibly symbolic dims, so the same rule sizes a
 * node at export time and an out tensor at run time.
 */

import { ShapeError } from '../errors.js';
import type { TensorMeta } from '../ir/meta.js';
import { type Dim, dimEquals, dimToString, shapeToString } from '../ir/sym.js';
import { ScalarType, isFloatingType, isIntegralType } from '../scalar-type.js';

export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  const result = new Array<Dim>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (dimEquals(da, db) || db === 1) result[i] = da;
    else if (da === 1) result[i] = db;
    else throw new ShapeError(`shapes ${shapeToString(a)} and ${shapeToString(b)} do not broadcast (dim ${i}: ${dimToString(da)} vs ${dimToString(db)})`);
  }
  return result;
}

export function broadcastAll(shapes: readonly (readonly Dim[])[]): Dim[] {
  return shapes.reduce<Dim[]>((acc, s) => broadcastShapes(acc, s), []);
}

/** Wraps a possibly negative dim index into `[0, rank)`. */
export function wrapDim(dim: number, rank: number): number {
  const size = Math.max(rank, 1);
  if (dim < -size || dim >= size) throw new ShapeError(`dim ${dim} out of range for rank ${rank}`);
  return dim < 0 ? dim + size : dim;
}

const RANK: Partial<Record<ScalarType, number>> = {
  [ScalarType.BOOL]: 0,
  [ScalarType.BYTE]: 1,
  [ScalarType.CHAR]: 1,
  [ScalarType.SHORT]: 2,
  [ScalarType.INT]: 3,
  [ScalarType.LONG]: 4,
  [ScalarType.HALF]: 5,
  [ScalarType.BFLOAT16]: 5,
  [ScalarType.FLOAT]: 6,
  [ScalarType.DOUBLE]: 7,
};

/** torch.promote_types for the dtypes LLM graphs use. */
export function promoteTypes(a: ScalarType, b: ScalarType): ScalarType {
  if (a === b) return a;
  if ((a === ScalarType.HALF && b === ScalarType.BFLOAT16) || (a === ScalarType.BFLOAT16 && b === ScalarType.HALF)) return ScalarType.FLOAT;
  if ((a === ScalarType.BYTE && b === ScalarType.CHAR) || (a === ScalarType.CHAR && b === ScalarType.BYTE)) return ScalarType.SHORT;
  const ra = RANK[a];
  const rb = RANK[b];
  if (ra === undefined || rb === undefined) throw new ShapeError(`no type promotion between scalar types ${a} and ${b}`);
  return ra >= rb ? a : b;
}

type Category = 0 | 1 | 2;
function category(dtype: ScalarType): Category {
  if (dtype === ScalarType.BOOL) return 0;
  if (isIntegralType(dtype, false)) return 1;
  return 2;
}

export type PromotionOperand = { tensor: TensorMeta } | { scalar: 'int' | 'float' | 'bool' };

/** torch.result_type over tensors and Python scalars, with zero-dim tensors ranking below others. */
export function resultType(operands: readonly PromotionOperand[]): ScalarType {
  let dimResult: ScalarType | undefined;
  let zeroDimResult: ScalarType | undefined;
  let scalarResult: ScalarType | undefined;
  for (const op of operands) {
    if ('tensor' in op) {
      if (op.tensor.shape.length === 0) zeroDimResult = zeroDimResult === undefined ? op.tensor.dtype : promoteTypes(zeroDimResult, op.tensor.dtype);
      else dimResult = dimResult === undefined ? op.tensor.dtype : promoteTypes(dimResult, op.tensor.dtype);
    } else {
      const t = op.scalar === 'float' ? ScalarType.FLOAT : op.scalar === 'int' ? ScalarType.LONG : ScalarType.BOOL;
      scalarResult = scalarResult === undefined ? t : promoteTypes(scalarResult, t);
    }
  }
  // A lower-priority operand only matters when it is of a higher category (bool < int < float);
  // Python scalars then contribute the default dtype of their category (float32, int64).
  const combine = (higher: ScalarType | undefined, lower: ScalarType | undefined): ScalarType | undefined => {
    if (higher === undefined) return lower;
    if (lower === undefined) return higher;
    return category(lower) > category(higher) ? lower : higher;
  };
  const result = combine(combine(dimResult, zeroDimResult), scalarResult);
  if (result === undefined) throw new ShapeError('result type of no operands');
  return result;
}

/** The dtype a floating-only op (mean, rsqrt, sigmoid) produces for an input dtype. */
export function floatResultType(dtype: ScalarType): ScalarType {
  return isFloatingType(dtype) ? dtype : ScalarType.FLOAT;
}
