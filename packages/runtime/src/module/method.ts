/**
 * One loaded method: its planned-memory arenas (allocated once, so mutable buffers such as the KV
 * cache keep their contents from call to call), its values table, its prepared chains, and the
 * copying or sharing of inputs ExecuTorch's `Method::set_input` does: planned inputs are copied
 * into the arena after a resize within their bounds, unplanned inputs are shared.
 */

import {
  DeviceType,
  type ExecutionPlan,
  InvalidArgumentError,
  type OperatorRegistry,
  PteFormatError,
  type PteProgram,
  type PteTensor,
  type RuntimeValue,
  Tensor,
  TensorShapeDynamism,
  scalarTypeName,
} from '@etch/core';
import { runChains } from './interpreter.js';
import { type MethodMeta, methodMetaOf } from './method-meta.js';
import { buildMethodValues } from './method-values.js';
import type { MergedNamedData } from './named-data.js';
import { type PreparedDelegate, prepareSteps } from './prepare-steps.js';
import type { Step } from './steps.js';

/** A value a caller may pass as a method input. */
export type MethodInput = Tensor | number | boolean | bigint | string | null;

/** A method ready to execute, with its own arenas and values. */
export class LoadedMethod {
  readonly meta: MethodMeta;
  private readonly values: RuntimeValue[];
  private readonly chains: Step[][];

  constructor(
    private readonly plan: ExecutionPlan,
    program: PteProgram,
    namedData: MergedNamedData,
    registry: OperatorRegistry,
    readonly delegates: readonly PreparedDelegate[],
    /** Arenas shared with other methods, by arena index (memory_id − 1); others are allocated here. */
    sharedArenas: readonly (ArrayBuffer | undefined)[] = [],
  ) {
    this.meta = methodMetaOf(plan);
    const arenas = plan.nonConstBufferSizes.slice(1).map((size, index) => {
      const field = `${plan.name}.non_const_buffer_sizes[${index + 1}]`;
      if (!Number.isSafeInteger(size) || size < 0) throw new PteFormatError(field, `${size} is not a valid byte size`);
      const device = plan.nonConstBufferDevice?.find((entry) => entry.bufferIdx === index + 1);
      if (device && device.deviceType !== DeviceType.CPU) {
        throw new PteFormatError(field, `planned buffer ${index + 1} is placed on device type ${device.deviceType}; this runtime has CPU memory only`, {
          hint: 'export for CPU',
        });
      }
      return sharedArenas[index] ?? new ArrayBuffer(size);
    });
    const methodValues = buildMethodValues(plan, { program, arenas, namedData });
    this.values = methodValues.values;
    this.chains = prepareSteps(plan, methodValues, registry, delegates);
  }

  /** Runs the method; outputs are live views valid until the next call. */
  execute(inputs: readonly MethodInput[]): RuntimeValue[] {
    const { plan } = this;
    if (inputs.length !== plan.inputs.length) {
      throw new InvalidArgumentError('inputs', `method '${plan.name}' takes ${plan.inputs.length} inputs, got ${inputs.length}`);
    }
    inputs.forEach((input, position) => this.setInput(position, input));
    runChains(this.chains, this.values, plan.name);
    return plan.outputs.map((index) => this.values[index]!);
  }

  /** Releases the method's delegate handles. */
  destroy(): void {
    for (const delegate of this.delegates) delegate.backend.destroy?.(delegate.handle);
  }

  private setInput(position: number, input: MethodInput): void {
    const index = this.plan.inputs[position]!;
    const declared = this.plan.values[index]!;
    const field = `${this.plan.name} input ${position}`;
    switch (declared.kind) {
      case 'Tensor': {
        if (!(input instanceof Tensor)) throw new InvalidArgumentError(field, `expected a tensor, got ${describe(input)}`);
        checkTensorInput(input, declared.tensor, field);
        const slot = this.values[index];
        if (declared.tensor.allocationInfo && slot instanceof Tensor) {
          slot.resize(input.shape);
          slot.bytes.set(input.bytes);
        } else {
          this.values[index] = input;
        }
        return;
      }
      case 'Int':
        if (typeof input !== 'number' && typeof input !== 'bigint') throw new InvalidArgumentError(field, `expected an int, got ${describe(input)}`);
        if (typeof input === 'number' && !Number.isInteger(input)) throw new InvalidArgumentError(field, `expected an int, got ${input}`);
        this.values[index] = Number(input);
        return;
      case 'Double':
        if (typeof input !== 'number') throw new InvalidArgumentError(field, `expected a number, got ${describe(input)}`);
        this.values[index] = input;
        return;
      case 'Bool':
        if (typeof input !== 'boolean') throw new InvalidArgumentError(field, `expected a boolean, got ${describe(input)}`);
        this.values[index] = input;
        return;
      case 'String':
        if (typeof input !== 'string') throw new InvalidArgumentError(field, `expected a string, got ${describe(input)}`);
        this.values[index] = input;
        return;
      case 'Null':
        if (input !== null) throw new InvalidArgumentError(field, `expected null, got ${describe(input)}`);
        return;
      default:
        throw new InvalidArgumentError(field, `inputs of kind ${declared.kind} are not supported`);
    }
  }
}

function describe(input: MethodInput): string {
  if (input instanceof Tensor) return `a ${scalarTypeName(input.dtype)} tensor [${input.shape.join(', ')}]`;
  return input === null ? 'null' : typeof input;
}

function checkTensorInput(input: Tensor, declared: PteTensor, field: string): void {
  if (input.dtype !== declared.scalarType) {
    throw new InvalidArgumentError(field, `expected a ${scalarTypeName(declared.scalarType)} tensor, got ${scalarTypeName(input.dtype)}`);
  }
  const bounded = declared.shapeDynamism === TensorShapeDynamism.DYNAMIC_BOUND;
  const fits =
    input.rank === declared.sizes.length &&
    input.shape.every((size, dim) => (bounded ? size <= declared.sizes[dim]! : size === declared.sizes[dim]));
  if (!fits) {
    throw new InvalidArgumentError(
      field,
      `shape [${input.shape.join(', ')}] does not fit ${bounded ? 'the bounds' : 'the static shape'} [${declared.sizes.join(', ')}]`,
    );
  }
}
