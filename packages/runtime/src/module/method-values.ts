/**
 * Turns a plan's EValues into the values kernels see (`RuntimeValue`s), once, at load. Tensors are
 * views into arenas and constants; Int EValues become numbers; IntList/TensorList items, which the
 * file stores as indices of other EValues, are resolved into arrays. A list whose items can change
 * while the method runs (a `sym_size` result inside a `view_copy` size list, say) is remembered
 * with its item indices, so the interpreter can refresh it in place before the kernels that read it.
 */

import { type EValue, type ExecutionPlan, PteFormatError, type RuntimeValue } from '@etch/core';
import { type StorageContext, materializeTensor } from './tensor-storage.js';

/** A list value whose items are other values, refreshed in place when any of them may change. */
export interface ListSource {
  /** The array stored in the values table (and handed to kernels). */
  readonly items: RuntimeValue[];
  /** Value index of each item; -1 for a None in an OptionalTensorList. */
  readonly itemIndices: Int32Array;
}

/** A method's values table and the list values it holds. */
export interface MethodValues {
  readonly values: RuntimeValue[];
  /** For each list-typed value index, where its items come from. */
  readonly lists: Map<number, ListSource>;
}

function checkIndex(index: number, count: number, field: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new PteFormatError(field, `value index ${index} is out of range (the plan has ${count} values)`);
  }
}

function itemKindCheck(values: readonly EValue[], index: number, expected: EValue['kind'], field: string): void {
  const kind = values[index]!.kind;
  if (kind !== expected) throw new PteFormatError(field, `value ${index} is ${kind}, expected ${expected}`);
}

/** Builds every value of a plan; tensors are materialized against `context`. */
export function buildMethodValues(plan: ExecutionPlan, context: StorageContext): MethodValues {
  const evalues = plan.values;
  const count = evalues.length;
  const values: RuntimeValue[] = new Array(count);
  const lists = new Map<number, ListSource>();
  const pendingLists: [number, Extract<EValue, { items: number[] }>][] = [];

  evalues.forEach((value, index) => {
    const field = `${plan.name}.values[${index}]`;
    switch (value.kind) {
      case 'Null':
        values[index] = null;
        break;
      case 'Int':
        values[index] = Number(value.value);
        break;
      case 'Bool':
      case 'Double':
      case 'String':
        values[index] = value.value;
        break;
      case 'DoubleList':
      case 'BoolList':
        values[index] = [...value.items];
        break;
      case 'Tensor':
        values[index] = materializeTensor(value.tensor, context, field);
        break;
      case 'IntList':
      case 'TensorList':
      case 'OptionalTensorList':
        pendingLists.push([index, value]);
        break;
    }
  });

  for (const [index, list] of pendingLists) {
    const field = `${plan.name}.values[${index}].items`;
    const itemKind = list.kind === 'IntList' ? 'Int' : 'Tensor';
    const itemIndices = Int32Array.from(list.items);
    const items: RuntimeValue[] = new Array(list.items.length);
    list.items.forEach((item, position) => {
      if (item === -1 && list.kind === 'OptionalTensorList') {
        items[position] = null;
        return;
      }
      checkIndex(item, count, `${field}[${position}]`);
      itemKindCheck(evalues, item, itemKind, `${field}[${position}]`);
      items[position] = values[item]!;
    });
    values[index] = items;
    lists.set(index, { items, itemIndices });
  }
  return { values, lists };
}

/** Rewrites a list's items from the current values (no allocation). */
export function refreshList(list: ListSource, values: readonly RuntimeValue[]): void {
  const { items, itemIndices } = list;
  for (let position = 0; position < itemIndices.length; position++) {
    const index = itemIndices[position]!;
    items[position] = index < 0 ? null : values[index]!;
  }
}
