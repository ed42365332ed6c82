/**
 * The `.pte` program as plain objects, field for field as `schema/program.fbs` (ET12) declares
 * it. The reader produces it, the writer consumes it, the emitter builds it and the runtime
 * executes it; nothing else about the FlatBuffers encoding leaks past `pte/`.
 *
 * int64 values that can exceed 2^53 (Int EValues: ExecuTorch writes INT64_MAX for open slice
 * ends) are `bigint`; sizes, offsets and indices are numbers, and the reader rejects files whose
 * values do not fit.
 */

import type { ScalarType } from '../scalar-type.js';

export const TensorShapeDynamism = { STATIC: 0, DYNAMIC_BOUND: 1, DYNAMIC_UNBOUND: 2 } as const;
export type TensorShapeDynamism = (typeof TensorShapeDynamism)[keyof typeof TensorShapeDynamism];

export const TensorDataLocation = { SEGMENT: 0, EXTERNAL: 1 } as const;
export type TensorDataLocation = (typeof TensorDataLocation)[keyof typeof TensorDataLocation];

export const DataLocation = { INLINE: 0, SEGMENT: 1 } as const;
export type DataLocation = (typeof DataLocation)[keyof typeof DataLocation];

export const DeviceType = { CPU: 0, CUDA: 1 } as const;
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

export interface AllocationDetails {
  /** 1-based arena index: arena `memoryId - 1` of `nonConstBufferSizes.slice(1)`. */
  memoryId: number;
  /** Full offset; the writer splits it into memory_offset_low/high. */
  memoryOffset: number;
}

export interface ExtraTensorInfo {
  mutableDataSegmentsIdx: number;
  fullyQualifiedName: string | null;
  location: TensorDataLocation;
  deviceType: DeviceType;
  deviceIndex: number;
}

export interface PteTensor {
  scalarType: ScalarType;
  storageOffset: number;
  sizes: number[];
  dimOrder: number[];
  requiresGrad: boolean;
  /** 0 = no data in the file; ≥ 1 indexes constant_segment.offsets (or mutable data when planned). */
  dataBufferIdx: number;
  allocationInfo: AllocationDetails | null;
  layout: number;
  shapeDynamism: TensorShapeDynamism;
  extraTensorInfo: ExtraTensorInfo | null;
}

export type EValue =
  | { kind: 'Null' }
  | { kind: 'Int'; value: bigint }
  | { kind: 'Bool'; value: boolean }
  | { kind: 'Double'; value: number }
  | { kind: 'Tensor'; tensor: PteTensor }
  | { kind: 'String'; value: string }
  /** Indices of Int EValues (not literal ints). */
  | { kind: 'IntList'; items: number[] }
  | { kind: 'DoubleList'; items: number[] }
  | { kind: 'BoolList'; items: boolean[] }
  /** Indices of Tensor EValues. */
  | { kind: 'TensorList'; items: number[] }
  /** Indices of Tensor EValues, -1 for None. */
  | { kind: 'OptionalTensorList'; items: number[] };

export type EValueKind = EValue['kind'];

/** Union tags as written in `val_type` (ET12 order: Bool before Double). */
export const KERNEL_TYPE_TAGS: Readonly<Record<EValueKind, number>> = {
  Null: 1,
  Int: 2,
  Bool: 3,
  Double: 4,
  Tensor: 5,
  String: 6,
  IntList: 7,
  DoubleList: 8,
  BoolList: 9,
  TensorList: 10,
  OptionalTensorList: 11,
};

export type Instruction =
  | { kind: 'KernelCall'; opIndex: number; args: number[] }
  | { kind: 'DelegateCall'; delegateIndex: number; args: number[] }
  | { kind: 'MoveCall'; moveFrom: number; moveTo: number }
  | { kind: 'JumpFalseCall'; condValueIndex: number; destinationInstruction: number }
  | { kind: 'FreeCall'; valueIndex: number };

export const INSTRUCTION_TAGS: Readonly<Record<Instruction['kind'], number>> = {
  KernelCall: 1,
  DelegateCall: 2,
  MoveCall: 3,
  JumpFalseCall: 4,
  FreeCall: 5,
};

export interface Frame {
  filename: string | null;
  lineno: number;
  name: string | null;
  context: string | null;
}

export interface Chain {
  inputs: number[];
  outputs: number[];
  instructions: Instruction[];
  /** One FrameList per instruction, when present. */
  stacktrace: Frame[][] | null;
}

export interface Operator {
  /** `aten::add` */
  name: string;
  /** `out`, or '' for the default overload. */
  overload: string;
}

export interface BackendDelegateDataReference {
  location: DataLocation;
  /** Index into `backendDelegateData` (INLINE) or `segments` (SEGMENT). */
  index: number;
}

export interface CompileSpec {
  key: string;
  value: Uint8Array;
}

export interface BackendDelegate {
  /** The exact id the runtime backend registers (`XnnpackBackend`). */
  id: string;
  processed: BackendDelegateDataReference;
  compileSpecs: CompileSpec[];
}

export interface ContainerMetadata {
  encodedInpStr: string;
  encodedOutStr: string;
}

export interface NonConstBufferDevice {
  bufferIdx: number;
  deviceType: DeviceType;
  deviceIndex: number;
}

export interface ExecutionPlan {
  name: string;
  containerMetaType: ContainerMetadata | null;
  values: EValue[];
  inputs: number[];
  outputs: number[];
  chains: Chain[];
  operators: Operator[];
  delegates: BackendDelegate[];
  /** Entry 0 is reserved and 0; entry i is the byte size of arena i. */
  nonConstBufferSizes: number[];
  nonConstBufferDevice: NonConstBufferDevice[] | null;
}

export interface SubsegmentOffsets {
  segmentIndex: number;
  offsets: number[];
}

export interface NamedData {
  key: string;
  segmentIndex: number;
}

/** A data segment with its bytes; `offset` is relative to the segment base (as in the file). */
export interface Segment {
  offset: number;
  size: number;
  data: Uint8Array;
}

export interface PteProgram {
  version: number;
  executionPlans: ExecutionPlan[];
  /** Deprecated constant storage (read for old files; the writer leaves it empty). */
  constantBuffer: Uint8Array[];
  /** Inline delegate payloads. */
  backendDelegateData: Uint8Array[];
  segments: Segment[];
  constantSegment: SubsegmentOffsets | null;
  mutableDataSegments: SubsegmentOffsets[] | null;
  namedData: NamedData[] | null;
}

/** The extended header (`eh00`), present when the file has segment data. */
export interface ExtendedHeader {
  headerLength: number;
  programSize: number;
  segmentBaseOffset: number;
  segmentDataSize: number;
}

/** An operator table entry's lookup string: `aten::add.out`, `aten::index_put_`. */
export function operatorName(op: Operator): string {
  return op.overload ? `${op.name}.${op.overload}` : op.name;
}
