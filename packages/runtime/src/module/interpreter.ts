/**
 * Runs prepared chains: the instruction loop of ExecuTorch's `Method::execute`. Kernels get the
 * argument arrays prepared at load (only the positions that can change are re-read), results of
 * scalar and view kernels are stored into their value slots, and control flow follows MoveCall and
 * JumpFalseCall. Any failure names the method, the instruction and its operator.
 */

import { EtchError, ExecutionError, type RuntimeValue, Tensor } from '@etch/core';
import { refreshList } from './method-values.js';
import { type ArgumentRefresh, type Step, StepKind } from './steps.js';

/** ExecuTorch's `ET_MAX_INSTRUCTIONS`: a guard against programs that never leave a loop. */
const MAX_INSTRUCTIONS = 10_000_000;

function refreshArguments(step: ArgumentRefresh, values: readonly RuntimeValue[]): void {
  const { argValues, refreshPositions, refreshIndices, lists } = step;
  for (let i = 0; i < refreshPositions.length; i++) argValues[refreshPositions[i]!] = values[refreshIndices[i]!]!;
  for (let i = 0; i < lists.length; i++) refreshList(lists[i]!, values);
}

function isTrue(condition: RuntimeValue, where: string): boolean {
  if (typeof condition === 'boolean') return condition;
  if (condition instanceof Tensor) {
    const data = condition.data;
    for (let i = 0; i < data.length; i++) if (!data[i]) return false;
    return true;
  }
  throw new ExecutionError(`${where}: JumpFalseCall condition must be a Bool or a bool tensor`);
}

function runChain(steps: readonly Step[], values: RuntimeValue[], where: string): void {
  let pc = 0;
  let executed = 0;
  try {
    while (pc < steps.length) {
      if (++executed > MAX_INSTRUCTIONS) throw new ExecutionError(`executed more than ${MAX_INSTRUCTIONS} instructions`);
      const step = steps[pc]!;
      switch (step.kind) {
        case StepKind.kernel: {
          refreshArguments(step, values);
          const results = step.definition.evaluate(step.args);
          if (step.resultIndex >= 0) values[step.resultIndex] = step.resultIsList ? results : results[0]!;
          pc++;
          break;
        }
        case StepKind.delegate:
          refreshArguments(step, values);
          step.backend.execute(step.handle, step.argValues);
          pc++;
          break;
        case StepKind.move:
          values[step.to] = values[step.from]!;
          pc++;
          break;
        case StepKind.jumpFalse:
          pc = isTrue(values[step.condition]!, where) ? pc + 1 : step.destination;
          break;
        case StepKind.free:
          // Storage here is garbage-collected or planned; freeing an unbounded tensor's data has nothing to release.
          pc++;
          break;
      }
    }
  } catch (error) {
    const step = steps[pc];
    const label = step && (step.kind === StepKind.kernel || step.kind === StepKind.delegate) ? ` (${step.label})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new ExecutionError(`${where}: instruction ${pc}${label} failed: ${reason}`, {
      cause: error,
      ...(EtchError.isInstance(error) && error.hint ? { hint: error.hint } : {}),
    });
  }
}

/** Executes every chain of a method in order over its values table. */
export function runChains(chains: readonly (readonly Step[])[], values: RuntimeValue[], method: string): void {
  for (let chain = 0; chain < chains.length; chain++) runChain(chains[chain]!, values, chains.length > 1 ? `${method} chain ${chain}` : method);
}
