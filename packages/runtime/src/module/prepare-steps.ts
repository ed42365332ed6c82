/**
 * Prepares a plan's chains for the interpreter: resolves every KernelCall's operator against the
 * registry (an operator the registry lacks fails here, at load, naming it and the method), checks
 * argument counts against the operator's schema, and decides which values can change while the
 * method runs — user inputs, scalar results (`sym_size`), re-pointed views (`et_view`) and move
 * targets — so only those argument positions are refreshed per call.
 */

import {
  type ExecutionPlan,
  type Instruction,
  type OperatorDefinition,
  type OperatorRegistry,
  PteFormatError,
  RuntimeArgs,
  type RuntimeBackend,
  type RuntimeValue,
  UnsupportedOperatorError,
  operatorName,
} from '@etch/core';
import type { MethodValues } from './method-values.js';
import { type ArgumentRefresh, type Step, StepKind } from './steps.js';

/** An initialized delegate of the plan, by `delegate_index`. */
export interface PreparedDelegate {
  readonly backend: RuntimeBackend;
  readonly handle: unknown;
}

interface KernelPlan {
  readonly definition: OperatorDefinition;
  readonly argCount: number;
  readonly resultIndex: number;
  readonly resultIsList: boolean;
}

function instructionField(plan: ExecutionPlan, chain: number, index: number): string {
  return `${plan.name}.chains[${chain}].instructions[${index}]`;
}

function resolveOperators(plan: ExecutionPlan, registry: OperatorRegistry): (OperatorDefinition | undefined)[] {
  const used = new Set<number>();
  for (const chain of plan.chains) for (const instruction of chain.instructions) if (instruction.kind === 'KernelCall') used.add(instruction.opIndex);
  return plan.operators.map((operator, index) => {
    if (!used.has(index)) return undefined;
    const key = operatorName(operator);
    const definition = registry.find(key);
    if (!definition) {
      throw new UnsupportedOperatorError(key, `method '${plan.name}' calls it, but no kernel for it was given to this runtime`, {
        hint: 'pass its OperatorDefinition in Module.load(…, { operators }), or export the model with operators the runtime supports',
      });
    }
    return definition;
  });
}

/** Where a kernel's result goes: nowhere when the out/in-place argument already is the result slot. */
function kernelPlan(plan: ExecutionPlan, instruction: Extract<Instruction, { kind: 'KernelCall' }>, definition: OperatorDefinition, field: string): KernelPlan {
  const schema = definition.schema;
  const hasResult = schema.returns.length > 0;
  const argCount = schema.args.length;
  const expected = argCount + (hasResult ? 1 : 0);
  if (instruction.args.length !== expected) {
    throw new PteFormatError(
      `${field}.args`,
      `${definition.key} takes ${argCount} arguments${hasResult ? ' and a result slot' : ''} (${expected} values), the instruction passes ${instruction.args.length}`,
    );
  }
  if (!hasResult) return { definition, argCount, resultIndex: -1, resultIsList: false };
  const resultIndex = instruction.args[argCount]!;
  const resultIsList = schema.returns.length > 1;
  if (definition.kind === 'out' || definition.kind === 'inplace') {
    const mutated = schema.args.flatMap((argument, position) => (argument.type.mutable ? [instruction.args[position]!] : []));
    const slot = plan.values[resultIndex];
    const alreadyInPlace = resultIsList || schema.returns[0]!.type.list
      ? slot?.kind === 'TensorList' && slot.items.length === mutated.length && slot.items.every((item, i) => item === mutated[i])
      : mutated.includes(resultIndex);
    if (alreadyInPlace) return { definition, argCount, resultIndex: -1, resultIsList };
  }
  return { definition, argCount, resultIndex, resultIsList };
}

function checkedIndex(index: number, plan: ExecutionPlan, field: string): number {
  if (!Number.isInteger(index) || index < 0 || index >= plan.values.length) {
    throw new PteFormatError(field, `value index ${index} is out of range (the plan has ${plan.values.length} values)`);
  }
  return index;
}

function argumentRefresh(indices: readonly number[], methodValues: MethodValues, changing: ReadonlySet<number>): ArgumentRefresh {
  const argValues: RuntimeValue[] = indices.map((index) => methodValues.values[index]!);
  const positions: number[] = [];
  const refreshed: number[] = [];
  const lists = [];
  for (let position = 0; position < indices.length; position++) {
    const index = indices[position]!;
    if (changing.has(index)) {
      positions.push(position);
      refreshed.push(index);
      continue;
    }
    const list = methodValues.lists.get(index);
    if (list && Array.from(list.itemIndices).some((item) => changing.has(item))) lists.push(list);
  }
  return { argValues, refreshPositions: Int32Array.from(positions), refreshIndices: Int32Array.from(refreshed), lists };
}

/** Prepares every chain of `plan`; `delegates` are the plan's initialized delegates by index. */
export function prepareSteps(
  plan: ExecutionPlan,
  methodValues: MethodValues,
  registry: OperatorRegistry,
  delegates: readonly PreparedDelegate[],
): Step[][] {
  const operators = resolveOperators(plan, registry);
  const changing = new Set<number>(plan.inputs);
  const kernelPlans = new Map<Instruction, KernelPlan>();

  plan.chains.forEach((chain, chainIndex) => {
    chain.instructions.forEach((instruction, index) => {
      const field = instructionField(plan, chainIndex, index);
      if (instruction.kind === 'KernelCall') {
        const definition = operators[instruction.opIndex];
        if (!definition) throw new PteFormatError(`${field}.op_index`, `${instruction.opIndex} is out of range (${plan.operators.length} operators)`);
        instruction.args.forEach((arg, position) => checkedIndex(arg, plan, `${field}.args[${position}]`));
        const planned = kernelPlan(plan, instruction, definition, field);
        kernelPlans.set(instruction, planned);
        if (planned.resultIndex >= 0) changing.add(planned.resultIndex);
      } else if (instruction.kind === 'MoveCall') {
        checkedIndex(instruction.moveFrom, plan, `${field}.move_from`);
        changing.add(checkedIndex(instruction.moveTo, plan, `${field}.move_to`));
      }
    });
  });

  return plan.chains.map((chain, chainIndex) =>
    chain.instructions.map((instruction, index): Step => {
      const field = instructionField(plan, chainIndex, index);
      switch (instruction.kind) {
        case 'KernelCall': {
          const { definition, argCount, resultIndex, resultIsList } = kernelPlans.get(instruction)!;
          const refresh = argumentRefresh(instruction.args.slice(0, argCount), methodValues, changing);
          return {
            kind: StepKind.kernel,
            label: definition.key,
            definition,
            args: new RuntimeArgs(definition.schema, refresh.argValues),
            resultIndex,
            resultIsList,
            ...refresh,
          };
        }
        case 'DelegateCall': {
          const delegate = delegates[instruction.delegateIndex];
          if (!delegate) {
            throw new PteFormatError(`${field}.delegate_index`, `${instruction.delegateIndex} is out of range (${delegates.length} delegates)`);
          }
          instruction.args.forEach((arg, position) => checkedIndex(arg, plan, `${field}.args[${position}]`));
          return {
            kind: StepKind.delegate,
            label: `delegate ${instruction.delegateIndex} (${delegate.backend.backendId})`,
            backend: delegate.backend,
            handle: delegate.handle,
            ...argumentRefresh(instruction.args, methodValues, changing),
          };
        }
        case 'MoveCall':
          return { kind: StepKind.move, from: instruction.moveFrom, to: instruction.moveTo };
        case 'JumpFalseCall': {
          checkedIndex(instruction.condValueIndex, plan, `${field}.cond_value_index`);
          const destination = instruction.destinationInstruction;
          if (!Number.isInteger(destination) || destination < 0 || destination > chain.instructions.length) {
            throw new PteFormatError(`${field}.destination_instruction`, `${destination} is outside the chain (${chain.instructions.length} instructions)`);
          }
          return { kind: StepKind.jumpFalse, condition: instruction.condValueIndex, destination };
        }
        case 'FreeCall':
          return { kind: StepKind.free, index: checkedIndex(instruction.valueIndex, plan, `${field}.value_index`) };
      }
    }),
  );
}
