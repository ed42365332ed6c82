/**
 * The shape of `inspectPte`'s answer: plain JSON (no bigint, no typed arrays), so it can be
 * printed with `JSON.stringify`, compared in tests against upstream's decodes, and rendered
 * as HTML. Int values beyond 2^53 are given as decimal strings.
 */

import type { ExtendedHeader } from '../pte/model.js';

/** A JSON-able scalar or list of them (a constant method's value, an Int/Double/… EValue). */
export type SummaryValue = number | boolean | string | null | SummaryValue[];

/** One method input or output. */
export interface ValueSummary {
  valueIndex: number;
  /** The EValue kind (`Tensor`, `Int`, …). */
  type: string;
  /** Name from the method's pytree spec (`input_ids`), when it has one. */
  name?: string;
  scalarType?: number;
  scalarTypeName?: string;
  sizes?: number[];
  dimOrder?: number[];
  shapeDynamism?: number;
  dataBufferIdx?: number;
  allocationInfo?: { memoryId: number; memoryOffset: number } | null;
  /** The value itself, for non-tensor EValues. */
  value?: SummaryValue;
}

/** The `XH00` (XNNPACK) / `VH00` (Vulkan) container header at the start of a payload. */
export interface PayloadHeader {
  magic: string;
  headerLength: number;
  flatbufferOffset: number;
  flatbufferSize: number;
  /** File identifier of the payload's flatbuffer (`XN01`, `VK00`). */
  flatbufferIdentifier: string;
  constantDataOffset: number;
  constantDataSize: number;
}

/** One `BackendDelegate` of a method and where its payload lives. */
export interface DelegateSummary {
  index: number;
  id: string;
  location: 'INLINE' | 'SEGMENT';
  /** Index into backend_delegate_data (INLINE) or segments (SEGMENT). */
  dataIndex: number;
  payloadSize: number;
  /** Absolute file offset of the payload's first byte. */
  payloadFileOffset: number;
  /** ASCII magic at payload bytes 4..8 (`XH00`, `VH00`, `MP00`), when printable. */
  payloadMagic: string | null;
  /** The payload's container header, for XNNPACK and Vulkan payloads. */
  payloadHeader: PayloadHeader | null;
  /** DelegateCall instructions that use it. */
  calls: number;
  compileSpecs: { key: string; size: number }[];
}

/** A memory-planned tensor placed in an arena. */
export interface ArenaTensor {
  valueIndex: number;
  offset: number;
  bytes: number;
}

/** One planned arena (`memory_id`) of a method. */
export interface ArenaSummary {
  memoryId: number;
  size: number;
  tensors: ArenaTensor[];
  /** Bytes covered by at least one tensor. */
  usedBytes: number;
  /** Peak bytes live at once by the instruction stream: no plan can use less (see arena-lower-bound.ts). */
  lowerBound: number;
}

/** One execution plan: a method, or a constant method (metadata getter). */
export interface MethodSummary {
  name: string;
  /** `constant`: no instructions, no inputs — a metadata getter such as `get_max_seq_len`. */
  kind: 'method' | 'constant';
  valuesCount: number;
  chainsCount: number;
  instructionsCount: number;
  /** Instruction counts by kind (`KernelCall`, `DelegateCall`, …), only kinds that occur. */
  instructionKinds: Record<string, number>;
  /** Operator table entries as `name.overload`, in table order. */
  operators: string[];
  /** KernelCall count per operator, only operators that are called. */
  kernelCallCounts: Record<string, number>;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  delegates: DelegateSummary[];
  nonConstBufferSizes: number[];
  arenas: ArenaSummary[];
  containerMetaType: { encodedInpStr: string; encodedOutStr: string } | null;
  /** For constant methods: the value (a scalar, or a list when the output spec is a list). */
  constantValue?: SummaryValue;
}

/** What a segment holds, from the references to it. */
export type SegmentRole = 'constant' | 'mutable-data' | 'delegate' | 'named-data' | 'unreferenced';

/** One entry of `Program.segments`, where it sits in the file and what references it. */
export interface SegmentSummary {
  index: number;
  offset: number;
  size: number;
  /** Absolute file offset (`segment_base_offset + offset`). */
  fileOffset: number;
  roles: SegmentRole[];
  /** Who uses it: `constant_segment`, `forward/delegate 0 (XnnpackBackend)`, `named_data "key"`. */
  usedBy: string[];
}

/** One slice of the file for the byte-usage picture. */
export interface ByteUsage {
  category: string;
  bytes: number;
}

/** Everything `etch inspect` reports about a `.pte`. */
export interface PteSummary {
  source: string | null;
  fileSize: number;
  fileIdentifier: string;
  extendedHeader: ExtendedHeader | null;
  /** Bytes of the flatbuffer (with the extended header), i.e. everything before the segments. */
  programSize: number;
  programVersion: number;
  segments: SegmentSummary[];
  constantSegment: { segmentIndex: number; offsets: number[] } | null;
  /** Sizes of the deprecated `constant_buffer` entries (old files). */
  constantBufferSizes: number[];
  /** Sizes of inline delegate payloads (`backend_delegate_data`). */
  backendDelegateDataSizes: number[];
  mutableDataSegments: { segmentIndex: number; offsets: number[] }[];
  namedData: { key: string; segmentIndex: number; size: number }[];
  methods: MethodSummary[];
  /** Where the file's bytes go; sums to `fileSize`. */
  byteUsage: ByteUsage[];
}
