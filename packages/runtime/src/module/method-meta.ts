/**
 * What a caller can learn about a method without running it (ExecuTorch's `MethodMeta`): its
 * inputs and outputs with dtypes, upper-bound sizes and dynamism, the planned memory it needs, and
 * the operators and backends it uses. Generation reads it to pick the forward convention.
 */

import {
  type EValue,
  type ExecutionPlan,
  type ScalarType,
  TensorShapeDynamism,
  elementSize,
  operatorName,
  scalarTypeName,
} from '@etch/core';

/** A tensor's shape dynamism: fixed, resizable up to its declared sizes, or unbounded. */
export type Dynamism = 'static' | 'dynamic-bound' | 'dynamic-unbound';

/** A tensor input or output of a method. */
export interface TensorInfo {
  readonly kind: 'tensor';
  readonly dtype: ScalarType;
  /** `FLOAT`, `LONG`, … */
  readonly dtypeName: string;
  /** Declared sizes; for `dynamic-bound` tensors, the upper bound of each dim. */
  readonly sizes: readonly number[];
  readonly dimOrder: readonly number[];
  readonly dynamism: Dynamism;
  /** Whether the tensor lives in planned memory (inputs are then copied in, not shared). */
  readonly memoryPlanned: boolean;
  /** Bytes at the declared sizes. */
  readonly nbytes: number;
}

/** A non-tensor input or output of a method. */
export interface ScalarInfo {
  readonly kind: 'int' | 'double' | 'bool' | 'string' | 'none' | 'list';
}

/** An input or output of a method. */
export type ValueInfo = TensorInfo | ScalarInfo;

/** Everything `Module.methodMeta` tells about a method. */
export interface MethodMeta {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Bytes of each planned buffer (`non_const_buffer_sizes` without the reserved entry 0). */
  readonly plannedBufferSizes: readonly number[];
  /** Operator table entries (`aten::add.out`). */
  readonly operators: readonly string[];
  /** Backend ids of the method's delegates. */
  readonly backends: readonly string[];
  readonly instructionCount: number;
}

const DYNAMISM: Record<number, Dynamism> = {
  [TensorShapeDynamism.STATIC]: 'static',
  [TensorShapeDynamism.DYNAMIC_BOUND]: 'dynamic-bound',
  [TensorShapeDynamism.DYNAMIC_UNBOUND]: 'dynamic-unbound',
};

/** Describes one EValue. */
export function valueInfo(value: EValue | undefined): ValueInfo {
  switch (value?.kind) {
    case 'Tensor': {
      const tensor = value.tensor;
      let numel = 1;
      for (const size of tensor.sizes) numel *= size;
      return {
        kind: 'tensor',
        dtype: tensor.scalarType,
        dtypeName: scalarTypeName(tensor.scalarType),
        sizes: [...tensor.sizes],
        dimOrder: [...tensor.dimOrder],
        dynamism: DYNAMISM[tensor.shapeDynamism] ?? 'static',
        memoryPlanned: tensor.allocationInfo !== null,
        nbytes: numel * elementSize(tensor.scalarType),
      };
    }
    case 'Int':
      return { kind: 'int' };
    case 'Double':
      return { kind: 'double' };
    case 'Bool':
      return { kind: 'bool' };
    case 'String':
      return { kind: 'string' };
    case 'Null':
    case undefined:
      return { kind: 'none' };
    default:
      return { kind: 'list' };
  }
}

/** The meta of a plan. */
export function methodMetaOf(plan: ExecutionPlan): MethodMeta {
  return {
    name: plan.name,
    inputs: plan.inputs.map((index) => valueInfo(plan.values[index])),
    outputs: plan.outputs.map((index) => valueInfo(plan.values[index])),
    plannedBufferSizes: plan.nonConstBufferSizes.slice(1),
    operators: plan.operators.map(operatorName),
    backends: plan.delegates.map((delegate) => delegate.id),
    instructionCount: plan.chains.reduce((count, chain) => count + chain.instructions.length, 0),
  };
}
