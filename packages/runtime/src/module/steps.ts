/**
 * The interpreter's instruction forms, prepared once at load: operators resolved to their
 * definitions, argument arrays built, and the few argument positions that can change between
 * calls listed, so executing an instruction allocates nothing of its own.
 */

import type { OperatorDefinition, RuntimeArgs, RuntimeBackend, RuntimeValue } from '@etch/core';
import type { ListSource } from './method-values.js';

/** Numeric step kinds keep the interpreter's switch cheap. */
export const StepKind = { kernel: 0, delegate: 1, move: 2, jumpFalse: 3, free: 4 } as const;

/** Positions of an argument array to re-read from the values table before each call. */
export interface ArgumentRefresh {
  /** The array passed to the kernel or backend. */
  readonly argValues: RuntimeValue[];
  /** `argValues[refreshPositions[i]] = values[refreshIndices[i]]` before each call. */
  readonly refreshPositions: Int32Array;
  readonly refreshIndices: Int32Array;
  /** Lists whose items may have changed, rewritten in place before each call. */
  readonly lists: readonly ListSource[];
}

/** A KernelCall with its operator and argument array. */
export interface KernelStep extends ArgumentRefresh {
  readonly kind: typeof StepKind.kernel;
  /** `aten::add.out`, for errors. */
  readonly label: string;
  readonly definition: OperatorDefinition;
  readonly args: RuntimeArgs;
  /** Value index that receives the kernel's result, or -1 when the result is already in place. */
  readonly resultIndex: number;
  /** Whether the result slot takes every result (ops returning several values) or the first. */
  readonly resultIsList: boolean;
}

/** A DelegateCall with its backend and initialized handle. */
export interface DelegateStep extends ArgumentRefresh {
  readonly kind: typeof StepKind.delegate;
  readonly label: string;
  readonly backend: RuntimeBackend;
  readonly handle: unknown;
}

/** A MoveCall: `values[to] = values[from]`. */
export interface MoveStep {
  readonly kind: typeof StepKind.move;
  readonly from: number;
  readonly to: number;
}

/** A JumpFalseCall: go to `destination` unless `values[condition]` is true. */
export interface JumpFalseStep {
  readonly kind: typeof StepKind.jumpFalse;
  readonly condition: number;
  readonly destination: number;
}

/** A FreeCall. */
export interface FreeStep {
  readonly kind: typeof StepKind.free;
  readonly index: number;
}

/** One prepared instruction. */
export type Step = KernelStep | DelegateStep | MoveStep | JumpFalseStep | FreeStep;
