/**
 * The XNNPACK payload graph as plain objects, field for field what `schema/xnnpack.fbs` stores:
 * the reader produces it, the writer consumes it, lowering builds it and the runtime interprets
 * it. Ids are the graph's value ids (`id_out`), not array positions.
 */

import type { NodeFields, NodeKind } from './table-layouts.js';

/** XNNPACK element types (`XNNDatatype`). */
export const XnnDatatype = {
  invalid: 0,
  fp32: 1,
  fp16: 2,
  qint8: 3,
  quint8: 4,
  qint32: 5,
  qcint8: 6,
  qcint32: 7,
  qcint4: 8,
  qdint8: 9,
  qbint4: 10,
  qpint8: 11,
  int32: 12,
  pfp32: 13,
  bf16: 14,
} as const;

/** One of the `XnnDatatype` codes. */
export type XnnDatatype = (typeof XnnDatatype)[keyof typeof XnnDatatype];

/** The name of a datatype code, for messages. */
export function datatypeName(code: number): string {
  const entry = Object.entries(XnnDatatype).find(([, value]) => value === code);
  return entry ? `xnn_datatype_${entry[0]}` : `datatype ${code}`;
}

/** `XNN_INVALID_VALUE_ID`: "no value" in id fields (a fully connected layer without bias). */
export const INVALID_VALUE_ID = 0xffffffff;
/** Value flag: the value is a delegate-call input. */
export const VALUE_FLAG_EXTERNAL_INPUT = 1;
/** Value flag: the value is a delegate-call output. */
export const VALUE_FLAG_EXTERNAL_OUTPUT = 2;
/** Fully connected: the filter is stored [input channels, output channels]; batch matmul: B is transposed. */
export const FLAG_TRANSPOSE_WEIGHTS = 1;
/** `ConstantDataOffset.offset` of a constant stored in named data. */
export const NAMED_CONSTANT_OFFSET = 0xffffffffffffffffn;

/** A tensor value (`XNNTensorValue`). */
export interface XnnTensorValue {
  readonly datatype: number;
  /** As stored; equals `dims.length` in graphs etch writes. */
  readonly numDims: number;
  readonly dims: readonly number[];
  /** Index into `constantData`; 0 for values that are not constants. */
  readonly constantBufferIndex: number;
  /** Delegate-call argument index of an external input or output, else `INVALID_VALUE_ID`. */
  readonly externalId: number;
  readonly flags: number;
  readonly id: number;
  /** Old-format marker that an external fp32 input is quantized at run time (XN00's dq_datatype). */
  readonly dynamicQuantizationDatatype: number;
}

/** Quantization parameters of a quantized tensor value (`XNNQuantParams`). */
export type XnnQuantization =
  | { readonly kind: 'per-tensor'; readonly scale: number; readonly zeroPoint: number }
  | { readonly kind: 'per-channel'; readonly scales: readonly number[]; readonly channelDim: number; readonly scaleBufferIndex: number; readonly numScales: number }
  | {
      readonly kind: 'per-channel-group';
      readonly scales: readonly number[];
      readonly channelDim: number;
      readonly groupSize: number;
      readonly scaleBufferIndex: number;
      readonly numScales: number;
    }
  | { readonly kind: 'per-token-dynamic'; readonly numNonbatchDims: number };

/** A value (`XValue`): a plain or a quantized tensor. */
export type XnnValue =
  | { readonly kind: 'tensor'; readonly tensor: XnnTensorValue }
  | { readonly kind: 'quantized-tensor'; readonly tensor: XnnTensorValue; readonly quantization: XnnQuantization };

/** A fused clamp on a node's output. */
export interface OutputMinMax {
  readonly min: number;
  readonly max: number;
}

interface NodeCommon {
  readonly debugHandle: number;
  readonly outputMinMax?: OutputMinMax;
}

/** One node: its kind (the union member) and that kind's fields. */
export type XnnNode = { [K in NodeKind]: { readonly kind: K } & NodeCommon & NodeFields<K> }[NodeKind];

/** A node of one kind. */
export type XnnNodeOf<K extends NodeKind> = Extract<XnnNode, { kind: K }>;

/** Where a constant's bytes are: inside the payload, or in named data under a key. */
export type ConstantDataEntry =
  | { readonly kind: 'inline'; readonly offset: bigint; readonly size: bigint }
  | { readonly kind: 'named'; readonly key: string; readonly size: bigint };

/** A payload graph (`XNNGraph`). */
export interface XnnGraph {
  readonly version: string;
  readonly nodes: readonly XnnNode[];
  readonly values: readonly XnnValue[];
  readonly numExterns: number;
  readonly inputIds: readonly number[];
  readonly outputIds: readonly number[];
  /** Entry 0 is reserved (values with `constantBufferIndex` 0 are not constants). */
  readonly constantData: readonly ConstantDataEntry[];
}

