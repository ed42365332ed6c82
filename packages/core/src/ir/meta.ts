/**
 * What a graph value is, without its data: a tensor's dtype and (possibly symbolic) shape, a
 * symbolic integer, a plain scalar, or a list of tensors. Shape inference produces these and the
 * memory planner and emitter consume them.
 */

import type { ScalarType } from '../scalar-type.js';
import type { Dim } from './sym.js';

export interface TensorMeta {
  readonly kind: 'tensor';
  readonly dtype: ScalarType;
  readonly shape: readonly Dim[];
}

/** An integer known only at run time (e.g. `aten::sym_size.int`), with its symbolic value. */
export interface SymIntMeta {
  readonly kind: 'symint';
  readonly value: Dim;
}

export interface ScalarMeta {
  readonly kind: 'int' | 'float' | 'bool';
}

export interface TensorListMeta {
  readonly kind: 'tensor_list';
  readonly items: readonly TensorMeta[];
}

export interface NoneMeta {
  readonly kind: 'none';
}

export type ValueMeta = TensorMeta | SymIntMeta | ScalarMeta | TensorListMeta | NoneMeta;

export function tensorMeta(dtype: ScalarType, shape: readonly Dim[]): TensorMeta {
  return { kind: 'tensor', dtype, shape: [...shape] };
}
