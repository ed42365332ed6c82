/**
 * Typed access to an operator's arguments during shape inference, by schema name. The same
 * inference code runs on symbolic IR values (export) and on concrete values (runtime resizing),
 * because both are presented as `MetaValue`s here.
 */

import { ShapeError } from '../errors.js';
import type { TensorMeta } from '../ir/meta.js';
import type { Dim } from '../ir/sym.js';
import type { ScalarType } from '../scalar-type.js';
import type { OperatorSchema } from './schema.js';

export type MetaValue =
  | { readonly kind: 'tensor'; readonly meta: TensorMeta }
  | { readonly kind: 'int'; readonly value: Dim }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'dtype'; readonly value: ScalarType }
  | { readonly kind: 'none' }
  /** A scalar whose value is only known at run time (e.g. `_local_scalar_dense`). */
  | { readonly kind: 'unknown_scalar'; readonly type: 'int' | 'float' | 'bool' }
  | { readonly kind: 'list'; readonly items: readonly MetaValue[] };

const indexCache = new WeakMap<OperatorSchema, Map<string, number>>();

/** Argument positions by name (built once per schema). */
export function argumentIndices(schema: OperatorSchema): ReadonlyMap<string, number> {
  let map = indexCache.get(schema);
  if (!map) {
    map = new Map(schema.args.map((a, i) => [a.name, i]));
    indexCache.set(schema, map);
  }
  return map;
}

export function argumentIndex(schema: OperatorSchema, name: string): number {
  const index = argumentIndices(schema).get(name);
  if (index === undefined) throw new ShapeError(`${schema.name}.${schema.overload} has no argument '${name}'`);
  return index;
}

export class MetaArgs {
  constructor(
    readonly schema: OperatorSchema,
    readonly values: readonly MetaValue[],
    /** Node name, for error messages. */
    readonly where?: string,
  ) {}

  value(name: string): MetaValue {
    return this.values[argumentIndex(this.schema, name)] ?? { kind: 'none' };
  }

  fail(message: string): never {
    throw new ShapeError(`${this.schema.name}${this.schema.overload ? '.' + this.schema.overload : ''}: ${message}`, { node: this.where });
  }

  tensor(name: string): TensorMeta {
    const v = this.value(name);
    if (v.kind !== 'tensor') this.fail(`argument '${name}' must be a tensor, got ${v.kind}`);
    return v.meta;
  }

  optionalTensor(name: string): TensorMeta | null {
    const v = this.value(name);
    if (v.kind === 'none') return null;
    if (v.kind !== 'tensor') this.fail(`argument '${name}' must be a tensor or None, got ${v.kind}`);
    return v.meta;
  }

  tensorList(name: string): TensorMeta[] {
    return this.list(name).map((item) => {
      if (item.kind !== 'tensor') this.fail(`argument '${name}' must hold tensors`);
      return item.meta;
    });
  }

  optionalTensorList(name: string): (TensorMeta | null)[] {
    return this.list(name).map((item) => {
      if (item.kind === 'none') return null;
      if (item.kind !== 'tensor') this.fail(`argument '${name}' must hold tensors or None`);
      return item.meta;
    });
  }

  /** An int or SymInt argument, possibly symbolic. */
  dim(name: string): Dim {
    const v = this.value(name);
    if (v.kind === 'int') return v.value;
    this.fail(`argument '${name}' must be an int, got ${v.kind}`);
  }

  /** An int argument that must be known at export time. */
  int(name: string): number {
    const d = this.dim(name);
    if (typeof d !== 'number') this.fail(`argument '${name}' must be a static int`);
    return d;
  }

  optionalInt(name: string): number | null {
    return this.value(name).kind === 'none' ? null : this.int(name);
  }

  dims(name: string): Dim[] {
    return this.list(name).map((item) => {
      if (item.kind !== 'int') this.fail(`argument '${name}' must hold ints`);
      return item.value;
    });
  }

  ints(name: string): number[] {
    return this.dims(name).map((d) => {
      if (typeof d !== 'number') this.fail(`argument '${name}' must hold static ints`);
      return d;
    });
  }

  optionalInts(name: string): number[] | null {
    return this.value(name).kind === 'none' ? null : this.ints(name);
  }

  float(name: string): number {
    const v = this.value(name);
    if (v.kind === 'float') return v.value;
    if (v.kind === 'int' && typeof v.value === 'number') return v.value;
    this.fail(`argument '${name}' must be a number, got ${v.kind}`);
  }

  bool(name: string): boolean {
    const v = this.value(name);
    if (v.kind !== 'bool') this.fail(`argument '${name}' must be a bool, got ${v.kind}`);
    return v.value;
  }

  optionalDtype(name: string): ScalarType | null {
    const v = this.value(name);
    if (v.kind === 'none') return null;
    if (v.kind === 'dtype') return v.value;
    if (v.kind === 'int' && typeof v.value === 'number') return v.value as ScalarType;
    this.fail(`argument '${name}' must be a dtype, got ${v.kind}`);
  }

  dtype(name: string): ScalarType {
    const d = this.optionalDtype(name);
    if (d === null) this.fail(`argument '${name}' must be a dtype`);
    return d;
  }

  /** For `Scalar` arguments: whether the value is a float (affects dtype promotion). */
  scalarIsFloat(name: string): boolean {
    const v = this.value(name);
    if (v.kind === 'float') return true;
    if (v.kind === 'unknown_scalar') return v.type === 'float';
    return false;
  }

  isNone(name: string): boolean {
    return this.value(name).kind === 'none';
  }

  private list(name: string): readonly MetaValue[] {
    const v = this.value(name);
    if (v.kind !== 'list') this.fail(`argument '${name}' must be a list, got ${v.kind}`);
    return v.items;
  }
}
