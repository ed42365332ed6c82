/**
 * How the scalar-returning prim ops see their operands. ExecuTorch dispatches these ops on the
 * EValue tag (Int, Double, Bool) of each operand, so shape inference keeps the kind of every
 * operand and, when it is known at export time, its value: an int may be a symbolic `Dim`
 * (`sym_size` of a dynamic dim), which the ops fold through affine arithmetic so later shape
 * rules still see `s + 1` rather than an opaque integer. At run time the kinds collapse into JS
 * numbers and booleans.
 */

import type { ValueMeta } from '../../ir/meta.js';
import type { Dim } from '../../ir/sym.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';

/** An operand's kind and, when known at export time, its value. */
export type ScalarOperand =
  | { readonly type: 'int'; readonly value: Dim | undefined }
  | { readonly type: 'float'; readonly value: number | undefined }
  | { readonly type: 'bool'; readonly value: boolean | undefined };

/** Reads argument `name` as a scalar operand; anything else (a tensor, a list, None) fails. */
export function scalarOperand(args: MetaArgs, name: string): ScalarOperand {
  const v = args.value(name);
  switch (v.kind) {
    case 'int':
      return { type: 'int', value: v.value };
    case 'float':
      return { type: 'float', value: v.value };
    case 'bool':
      return { type: 'bool', value: v.value };
    case 'unknown_scalar':
      return { type: v.type, value: undefined };
    default:
      return args.fail(`argument '${name}' must be an int, float or bool scalar, got ${v.kind}`);
  }
}

/** The meta of an int result: a symint carrying its value when known, a plain int otherwise. */
export function intResult(value: Dim | undefined): ValueMeta {
  return value === undefined ? { kind: 'int' } : { kind: 'symint', value };
}

/** The meta of a float or bool result (their values are not tracked in the IR). */
export function scalarResult(type: 'float' | 'bool'): ValueMeta {
  return { kind: type };
}

/** A numeric run-time operand; booleans fail as ExecuTorch's kernels reject Bool EValues here. */
export function runtimeNumber(args: RuntimeArgs, name: string): number {
  const v = args.value(name);
  if (typeof v !== 'number') args.fail(`argument '${name}' must be an int or float, got ${describe(v)}`);
  return v;
}

/** An integer run-time operand (ExecuTorch's `toInt()`). */
export function runtimeInteger(args: RuntimeArgs, name: string): number {
  const v = runtimeNumber(args, name);
  if (!Number.isInteger(v)) args.fail(`argument '${name}' must be an int, got ${v}`);
  return v;
}

/** A numeric or boolean run-time operand. */
export function runtimeScalar(args: RuntimeArgs, name: string): number | boolean {
  const v = args.value(name);
  if (typeof v !== 'number' && typeof v !== 'boolean') args.fail(`argument '${name}' must be a scalar, got ${describe(v)}`);
  return v;
}

function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a tensor' : typeof value;
}
