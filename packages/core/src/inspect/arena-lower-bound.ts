/**
 * How good a `.pte`'s memory plan is, judged from the file alone: the peak number of bytes that
 * must be live at once (the lower bound any planner must reach) against the arena size the plan
 * uses. Lifetimes come from the instruction stream: a tensor lives from the instruction that
 * writes it to the last one that reads it; method inputs from the start; method outputs to the
 * end; a tensor read before anything writes it is state kept across calls (a KV cache) and lives
 * throughout. Which arguments an instruction writes comes from the operator schemas in the
 * registry (`.out` arguments are written, in-place `self` is read and written); for an operator
 * the registry lacks, a tensor that nothing has written yet is taken to be one of its outputs.
 */

import type { EValue, ExecutionPlan } from '../pte/model.js';
import { operatorName } from '../pte/model.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { outArgumentIndices } from '../ops/schema.js';

interface Storage {
  memoryId: number;
  offset: number;
  bytes: number;
  /** Instruction positions; -1 is before the first, `count` after the last. */
  start: number;
  end: number;
}

interface Uses {
  firstRead: number;
  firstWrite: number;
  last: number;
}

/** Argument positions a KernelCall writes, or undefined for an operator the registry lacks. */
function writtenPositions(plan: ExecutionPlan, opIndex: number, argumentCount: number, registry: OperatorRegistry): Set<number> | undefined {
  const operator = plan.operators[opIndex];
  const definition = operator ? registry.find(operatorName(operator)) : undefined;
  if (!definition) return undefined;
  // `.out` arguments, and the result slots after the arguments (which repeat the out tensor, or
  // hold a functional result). In-place `self` arguments are read first, then written through
  // their result slot.
  const results = Array.from({ length: Math.max(0, argumentCount - definition.schema.args.length) }, (_, i) => definition.schema.args.length + i);
  return new Set([...outArgumentIndices(definition.schema), ...results]);
}

function tensorIndicesOf(values: readonly EValue[], index: number): number[] {
  const value = values[index];
  if (!value) return [];
  if (value.kind === 'Tensor') return [index];
  if (value.kind === 'TensorList' || value.kind === 'OptionalTensorList') return value.items.filter((item) => item >= 0 && values[item]?.kind === 'Tensor');
  return [];
}

/**
 * Values the plan puts at the same bytes while both are live are views of one storage (ExecuTorch's
 * `et_view` outputs, say): count them once, over the union of their lifetimes. Values at the same
 * bytes at different times are ordinary memory reuse and stay separate.
 */
function mergeAliases(storages: Storage[]): Storage[] {
  const groups = new Map<string, Storage[]>();
  for (const storage of storages) {
    const key = `${storage.memoryId}:${storage.offset}`;
    groups.set(key, [...(groups.get(key) ?? []), storage]);
  }
  const merged: Storage[] = [];
  for (const group of groups.values()) {
    group.sort((left, right) => left.start - right.start);
    let current: Storage | undefined;
    for (const storage of group) {
      if (current && storage.start <= current.end) {
        current.end = Math.max(current.end, storage.end);
        current.bytes = Math.max(current.bytes, storage.bytes);
      }
      else merged.push((current = { ...storage }));
    }
  }
  return merged;
}

/**
 * Peak bytes live at once per arena (`memoryId`), for a method's planned tensors.
 * @param tensorBytes byte size of each planned tensor value (its upper-bound shape).
 */
export function arenaLowerBounds(plan: ExecutionPlan, tensorBytes: ReadonlyMap<number, number>, registry: OperatorRegistry): Map<number, number> {
  const instructions = plan.chains.flatMap((chain) => chain.instructions);
  const count = instructions.length;
  const uses = new Map<number, Uses>();
  const touch = (valueIndex: number, position: number, writes: boolean) => {
    for (const tensor of tensorIndicesOf(plan.values, valueIndex)) {
      if (!tensorBytes.has(tensor)) continue;
      const use = uses.get(tensor) ?? { firstRead: Infinity, firstWrite: Infinity, last: -Infinity };
      if (writes) use.firstWrite = Math.min(use.firstWrite, position);
      else use.firstRead = Math.min(use.firstRead, position);
      use.last = Math.max(use.last, position);
      uses.set(tensor, use);
    }
  };
  for (const input of plan.inputs) touch(input, -1, true);
  instructions.forEach((instruction, position) => {
    if (instruction.kind === 'KernelCall') {
      const written = writtenPositions(plan, instruction.opIndex, instruction.args.length, registry);
      // Without a schema, a tensor nothing has written yet is taken to be an output here.
      const writes = (arg: number, i: number) => (written ? written.has(i) : !tensorIndicesOf(plan.values, arg).some((t) => (uses.get(t)?.firstWrite ?? Infinity) < position));
      instruction.args.forEach((arg, i) => touch(arg, position, writes(arg, i)));
    } else if (instruction.kind === 'DelegateCall') {
      for (const arg of instruction.args) touch(arg, position, true);
    } else if (instruction.kind === 'MoveCall') {
      touch(instruction.moveFrom, position, false);
      touch(instruction.moveTo, position, true);
    } else if (instruction.kind === 'JumpFalseCall') {
      touch(instruction.condValueIndex, position, false);
    }
  });
  for (const output of plan.outputs) touch(output, count, false);

  const placed = new Map<number, Storage>();
  for (const [valueIndex, use] of uses) {
    const value = plan.values[valueIndex];
    if (value?.kind !== 'Tensor' || !value.tensor.allocationInfo) continue;
    const { memoryId, memoryOffset: offset } = value.tensor.allocationInfo;
    placed.set(valueIndex, { memoryId, offset, bytes: tensorBytes.get(valueIndex)!, start: Math.min(use.firstRead, use.firstWrite), end: use.last });
  }
  // A tensor read before anything writes it is either a view of a tensor the plan put at the
  // same bytes and wrote earlier (no instruction makes a view), or state kept across calls.
  for (const [valueIndex, use] of uses) {
    const storage = placed.get(valueIndex);
    if (!storage || !(use.firstRead <= use.firstWrite)) continue;
    const viewed = [...placed.values()].some(
      (other) => other !== storage && other.memoryId === storage.memoryId && other.offset === storage.offset && other.start < use.firstRead,
    );
    if (!viewed) {
      storage.start = -1;
      storage.end = count;
    }
  }
  const storages = mergeAliases([...placed.values()]);

  const bounds = new Map<number, number>();
  const byArena = new Map<number, Storage[]>();
  for (const storage of storages) {
    byArena.set(storage.memoryId, [...(byArena.get(storage.memoryId) ?? []), storage]);
  }
  for (const [memoryId, list] of byArena) {
    const events: [number, number][] = [];
    for (const storage of list) events.push([storage.start, storage.bytes], [storage.end + 0.5, -storage.bytes]);
    events.sort((left, right) => left[0] - right[0] || left[1] - right[1]);
    let live = 0;
    let peak = 0;
    for (const [, delta] of events) {
      live += delta;
      peak = Math.max(peak, live);
    }
    bounds.set(memoryId, peak);
  }
  return bounds;
}
