/**
 * Helpers for hand-built `.pte` programs in tests: EValues, plans and programs as plain objects
 * (`PteProgram`), so interpreter features can be tested one at a time without an exporter.
 */

import {
  type EValue,
  type ExecutionPlan,
  type Instruction,
  type Operator,
  type PteProgram,
  type PteTensor,
  type ScalarType,
  TensorShapeDynamism,
} from '@etch/core';

export interface TensorValueOptions {
  /** Offset in planned buffer `memoryId` (default 1); omit for an unplanned tensor. */
  memoryOffset?: number;
  memoryId?: number;
  dynamic?: boolean;
  dataBufferIdx?: number;
}

export function tensorValue(scalarType: ScalarType, sizes: number[], options: TensorValueOptions = {}): EValue {
  const tensor: PteTensor = {
    scalarType,
    storageOffset: 0,
    sizes,
    dimOrder: sizes.map((_, i) => i),
    requiresGrad: false,
    dataBufferIdx: options.dataBufferIdx ?? 0,
    allocationInfo: options.memoryOffset === undefined ? null : { memoryId: options.memoryId ?? 1, memoryOffset: options.memoryOffset },
    layout: 0,
    shapeDynamism: options.dynamic ? TensorShapeDynamism.DYNAMIC_BOUND : TensorShapeDynamism.STATIC,
    extraTensorInfo: null,
  };
  return { kind: 'Tensor', tensor };
}

export const intValue = (value: number): EValue => ({ kind: 'Int', value: BigInt(value) });
export const boolValue = (value: boolean): EValue => ({ kind: 'Bool', value });

export interface PlanParts {
  name?: string;
  values: EValue[];
  inputs: number[];
  outputs: number[];
  instructions?: Instruction[];
  operators?: Operator[];
  delegates?: ExecutionPlan['delegates'];
  plannedBytes?: number[];
  /** Output pytree string (constant methods returning lists use `L…`). */
  encodedOutStr?: string;
}

export function plan(parts: PlanParts): ExecutionPlan {
  return {
    name: parts.name ?? 'forward',
    containerMetaType: parts.encodedOutStr === undefined ? null : { encodedInpStr: '', encodedOutStr: parts.encodedOutStr },
    values: parts.values,
    inputs: parts.inputs,
    outputs: parts.outputs,
    chains: [{ inputs: [], outputs: [], instructions: parts.instructions ?? [], stacktrace: null }],
    operators: parts.operators ?? [],
    delegates: parts.delegates ?? [],
    nonConstBufferSizes: [0, ...(parts.plannedBytes ?? [])],
    nonConstBufferDevice: null,
  };
}

/** A constant getter plan (`get_max_seq_len` and the like). */
export function constantMethod(name: string, values: EValue[], list = false): ExecutionPlan {
  return plan({ name, values, inputs: [], outputs: values.map((_, i) => i), encodedOutStr: list ? 'L1#1($)' : '$' });
}

export function program(plans: ExecutionPlan[], extra: Partial<PteProgram> = {}): PteProgram {
  return {
    version: 0,
    executionPlans: plans,
    constantBuffer: [],
    backendDelegateData: [],
    segments: [],
    constantSegment: null,
    mutableDataSegments: null,
    namedData: null,
    ...extra,
  };
}
