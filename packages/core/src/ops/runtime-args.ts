/**
 * Typed access to an operator's run-time arguments by schema name, for kernels. Checks are cheap
 * and fail with the operator and argument named, which is what makes a malformed `.pte` produce a
 * readable error instead of a crash deep in a loop.
 */

import { ExecutionError } from '../errors.js';
import type { Argument } from '../ir/argument.js';
import { Tensor } from '../kernels/tensor.js';
import type { ScalarType } from '../scalar-type.js';
import { argumentIndex, argumentIndices } from './meta-args.js';
import type { RuntimeValue } from './runtime-value.js';
import type { OperatorSchema } from './schema.js';

/** What kind of number a Scalar argument was written as: `2.0` and `2` are both the JS number 2. */
export type ScalarKind = 'int' | 'float' | 'bool';

/**
 * The scalar kinds of graph arguments (`null` for anything that is not a literal number), so that
 * shape inference at run time promotes `full(size, 0.0)` to float32 as it did at export time.
 */
export function scalarKindsOf(args: readonly Argument[]): (ScalarKind | null)[] {
  return args.map((arg) => (arg.kind === 'int' || arg.kind === 'float' || arg.kind === 'bool' ? arg.kind : null));
}

export class RuntimeArgs {
  /** The schema's argument positions, looked up once: kernels read arguments by name on every call. */
  private readonly indices: ReadonlyMap<string, number>;

  constructor(
    readonly schema: OperatorSchema,
    readonly values: readonly RuntimeValue[],
    /** Per argument, how a Scalar was written, when the caller knows (graph literals, EValue tags). */
    readonly scalarKinds?: readonly (ScalarKind | null)[],
  ) {
    this.indices = argumentIndices(schema);
  }

  value(name: string): RuntimeValue {
    const index = this.indices.get(name) ?? argumentIndex(this.schema, name);
    return this.values[index] ?? null;
  }

  fail(message: string): never {
    throw new ExecutionError(`${this.schema.name}${this.schema.overload ? '.' + this.schema.overload : ''}: ${message}`);
  }

  tensor(name: string): Tensor {
    const v = this.value(name);
    if (!(v instanceof Tensor)) this.fail(`argument '${name}' must be a tensor`);
    return v;
  }

  optionalTensor(name: string): Tensor | null {
    const v = this.value(name);
    if (v === null) return null;
    if (!(v instanceof Tensor)) this.fail(`argument '${name}' must be a tensor or None`);
    return v;
  }

  tensorList(name: string): Tensor[] {
    return this.list(name).map((item) => {
      if (!(item instanceof Tensor)) this.fail(`argument '${name}' must hold tensors`);
      return item;
    });
  }

  optionalTensorList(name: string): (Tensor | null)[] {
    return this.list(name).map((item) => {
      if (item === null) return null;
      if (!(item instanceof Tensor)) this.fail(`argument '${name}' must hold tensors or None`);
      return item;
    });
  }

  int(name: string): number {
    const v = this.value(name);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`argument '${name}' must be an int`);
    return v;
  }

  optionalInt(name: string): number | null {
    return this.value(name) === null ? null : this.int(name);
  }

  ints(name: string): number[] {
    return this.list(name).map((item) => {
      if (typeof item !== 'number') this.fail(`argument '${name}' must hold ints`);
      return item;
    });
  }

  optionalInts(name: string): number[] | null {
    return this.value(name) === null ? null : this.ints(name);
  }

  /** float, or Scalar (int or float) */
  float(name: string): number {
    const v = this.value(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    this.fail(`argument '${name}' must be a number`);
  }

  optionalFloat(name: string): number | null {
    return this.value(name) === null ? null : this.float(name);
  }

  bool(name: string): boolean {
    const v = this.value(name);
    if (typeof v !== 'boolean') this.fail(`argument '${name}' must be a bool`);
    return v;
  }

  optionalDtype(name: string): ScalarType | null {
    const v = this.value(name);
    if (v === null) return null;
    if (typeof v !== 'number') this.fail(`argument '${name}' must be a dtype`);
    return v as ScalarType;
  }

  str(name: string): string {
    const v = this.value(name);
    if (typeof v !== 'string') this.fail(`argument '${name}' must be a string`);
    return v;
  }

  private list(name: string): readonly RuntimeValue[] {
    const v = this.value(name);
    if (!Array.isArray(v)) this.fail(`argument '${name}' must be a list`);
    return v as readonly RuntimeValue[];
  }
}
