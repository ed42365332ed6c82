/**
 * Why: an out variant's output shapes depend only on its inputs' dtypes and shapes and on its
 * non-tensor arguments. The runtime prepares one `RuntimeArgs` per KernelCall and calls it every
 * decode step with the same of those, so running shape inference on every call (metas, schema
 * lookups, fresh arrays) is wasted work. The memo keeps, per argument array, the last inferred
 * shapes and what they were inferred from; a call with anything different infers again.
 */

import { Tensor } from '../kernels/tensor.js';
import type { RuntimeArgs } from './runtime-args.js';
import type { RuntimeValue } from './runtime-value.js';

/** Flattened inputs: per tensor a marker, its dtype, rank and dims; lists as marker and length. */
type Entry = number | string | boolean | null;

const TENSOR = 'tensor';
const LIST = 'list';
const STRING = 'str';

function isList(value: RuntimeValue): value is readonly RuntimeValue[] {
  return Array.isArray(value);
}

function record(value: RuntimeValue, entries: Entry[]): void {
  if (value instanceof Tensor) {
    entries.push(TENSOR, value.dtype, value.shape.length, ...value.shape);
  } else if (isList(value)) {
    entries.push(LIST, value.length);
    for (const item of value) record(item, entries);
  } else if (typeof value === 'string') {
    entries.push(STRING, value);
  } else {
    entries.push(value);
  }
}

/** The position after `value`'s entries starting at `at`, or -1 if they differ. */
function match(value: RuntimeValue, entries: readonly Entry[], at: number): number {
  if (value instanceof Tensor) {
    const shape = value.shape;
    if (entries[at] !== TENSOR || entries[at + 1] !== value.dtype || entries[at + 2] !== shape.length) return -1;
    at += 3;
    for (let d = 0; d < shape.length; d++) if (entries[at + d] !== shape[d]) return -1;
    return at + shape.length;
  }
  if (isList(value)) {
    if (entries[at] !== LIST || entries[at + 1] !== value.length) return -1;
    at += 2;
    for (let i = 0; i < value.length && at >= 0; i++) at = match(value[i]!, entries, at);
    return at;
  }
  if (typeof value === 'string') return entries[at] === STRING && entries[at + 1] === value ? at + 2 : -1;
  // Object.is: -0 and 0 are different arguments, and NaN is the same as NaN.
  return Object.is(entries[at], value) ? at + 1 : -1;
}

export class OutputShapeMemo {
  private readonly entries: Entry[] = [];
  private shapes: readonly number[][] | undefined;

  /** The shapes stored for inputs equal to `values[0, count)` in dtype, shape and value, if any. */
  lookup(values: readonly RuntimeValue[], count: number): readonly number[][] | undefined {
    const shapes = this.shapes;
    if (!shapes) return undefined;
    let at = 0;
    for (let i = 0; i < count && at >= 0; i++) at = match(values[i] ?? null, this.entries, at);
    return at === this.entries.length ? shapes : undefined;
  }

  store(values: readonly RuntimeValue[], count: number, shapes: readonly number[][]): void {
    this.entries.length = 0;
    for (let i = 0; i < count; i++) record(values[i] ?? null, this.entries);
    this.shapes = shapes;
  }
}

const memos = new WeakMap<RuntimeArgs, OutputShapeMemo>();

/** The memo of one argument array (one prepared instruction at run time). */
export function outputShapeMemo(args: RuntimeArgs): OutputShapeMemo {
  let memo = memos.get(args);
  if (!memo) {
    memo = new OutputShapeMemo();
    memos.set(args, memo);
  }
  return memo;
}
