/**
 * Broadcasting elementwise loops. Binary and ternary ops over same-shaped float32 tensors take a
 * straight loop; everything else walks the output index space with per-input strides (zero on
 * broadcast dims), computing in float64 and storing in the out dtype.
 */

import { ScalarType } from '../scalar-type.js';
import { readNumbers, storesIntegers, writeNumbers } from './access.js';
import type { Tensor } from './tensor.js';
import { numelOf, stridesOf } from './tensor.js';

/** Strides of `shape` seen from an output of rank `rank` (broadcast dims get stride 0). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const rank = outShape.length;
  const result = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const outDim = rank - shape.length + i;
    result[outDim] = shape[i] === 1 && outShape[outDim] !== 1 ? 0 : own[i]!;
  }
  return result;
}

/** Element offsets of `shape` (broadcast to `outShape`) for every output element, in order. */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = numelOf(outShape);
  const index = new Int32Array(n);
  const strides = broadcastStrides(shape, outShape);
  const rank = outShape.length;
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    index[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      offset -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return index;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function mapBinary(a: Tensor, b: Tensor, out: Tensor, fn: (x: number, y: number) => number): void {
  const n = out.numel;
  const truncate = storesIntegers(out.dtype) && out.dtype !== ScalarType.BOOL;
  if (out.dtype === ScalarType.FLOAT && a.dtype === ScalarType.FLOAT && b.dtype === ScalarType.FLOAT) {
    const x = a.data as Float32Array;
    const y = b.data as Float32Array;
    const o = out.data as Float32Array;
    if (sameShape(a.shape, out.shape) && sameShape(b.shape, out.shape)) {
      for (let i = 0; i < n; i++) o[i] = fn(x[i]!, y[i]!);
      return;
    }
    if (sameShape(a.shape, out.shape) && b.numel === 1) {
      const v = y[0]!;
      for (let i = 0; i < n; i++) o[i] = fn(x[i]!, v);
      return;
    }
  }
  const x = readNumbers(a);
  const y = readNumbers(b);
  const ia = sameShape(a.shape, out.shape) ? null : broadcastIndex(a.shape, out.shape);
  const ib = sameShape(b.shape, out.shape) ? null : broadcastIndex(b.shape, out.shape);
  if (out.dtype === ScalarType.FLOAT || out.dtype === ScalarType.DOUBLE) {
    // Float outputs are written in place: an output aliasing an input (in-place ops) has the
    // output's shape, so element i is read before it is overwritten.
    const o = out.data as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) o[i] = fn(x[ia ? ia[i]! : i]!, y[ib ? ib[i]! : i]!);
    return;
  }
  const result = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = fn(x[ia ? ia[i]! : i]!, y[ib ? ib[i]! : i]!);
    result[i] = truncate ? Math.trunc(v) : v;
  }
  writeNumbers(out, result);
}

export function mapUnary(a: Tensor, out: Tensor, fn: (x: number) => number): void {
  const n = out.numel;
  if (out.dtype === ScalarType.FLOAT && a.dtype === ScalarType.FLOAT) {
    const x = a.data as Float32Array;
    const o = out.data as Float32Array;
    for (let i = 0; i < n; i++) o[i] = fn(x[i]!);
    return;
  }
  const x = readNumbers(a);
  const result = new Float64Array(n);
  for (let i = 0; i < n; i++) result[i] = fn(x[i]!);
  writeNumbers(out, result);
}

export function mapTernary(a: Tensor, b: Tensor, c: Tensor, out: Tensor, fn: (x: number, y: number, z: number) => number): void {
  const n = out.numel;
  const x = readNumbers(a);
  const y = readNumbers(b);
  const z = readNumbers(c);
  const ia = broadcastIndex(a.shape, out.shape);
  const ib = broadcastIndex(b.shape, out.shape);
  const ic = broadcastIndex(c.shape, out.shape);
  if (out.dtype === ScalarType.FLOAT || out.dtype === ScalarType.DOUBLE) {
    const o = out.data as Float32Array | Float64Array;
    for (let i = 0; i < n; i++) o[i] = fn(x[ia[i]!]!, y[ib[i]!]!, z[ic[i]!]!);
    return;
  }
  const result = new Float64Array(n);
  for (let i = 0; i < n; i++) result[i] = fn(x[ia[i]!]!, y[ib[i]!]!, z[ic[i]!]!);
  writeNumbers(out, result);
}
