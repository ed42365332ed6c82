/**
 * Writes an `XnnGraph` as an XN01 flatbuffer that ExecuTorch's XNNPACK runtime reads. Scalars
 * equal to their schema default are omitted, as flatc does.
 */

import { Builder } from 'flatbuffers';
import { layoutOf, nodeUnionType } from './table-layouts.js';
import { NAMED_CONSTANT_OFFSET, type ConstantDataEntry, type XnnGraph, type XnnNode, type XnnQuantization, type XnnTensorValue, type XnnValue } from './xnn-graph.js';

/** The identifier etch writes (the current ExecuTorch schema). */
export const GRAPH_IDENTIFIER = 'XN01';

function uint32Vector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addInt32(values[i]! | 0);
  return builder.endVector();
}

function float32Vector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) builder.addFloat32(values[i]!);
  return builder.endVector();
}

function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

function writeTensor(builder: Builder, tensor: XnnTensorValue): number {
  const dims = uint32Vector(builder, tensor.dims);
  builder.startObject(8);
  builder.addFieldInt16(0, tensor.datatype, 0);
  builder.addFieldInt32(1, tensor.numDims | 0, 0);
  builder.addFieldOffset(2, dims, 0);
  builder.addFieldInt32(3, tensor.constantBufferIndex | 0, 0);
  builder.addFieldInt32(4, tensor.externalId | 0, 0);
  builder.addFieldInt32(5, tensor.flags | 0, 0);
  builder.addFieldInt32(6, tensor.id | 0, 0);
  builder.addFieldInt16(7, tensor.dynamicQuantizationDatatype, 0);
  return builder.endObject();
}

function writeQuantization(builder: Builder, quantization: XnnQuantization): { type: number; offset: number } {
  switch (quantization.kind) {
    case 'per-channel': {
      const scales = float32Vector(builder, quantization.scales);
      builder.startObject(4);
      builder.addFieldOffset(0, scales, 0);
      builder.addFieldInt32(1, quantization.channelDim, 0);
      builder.addFieldInt32(2, quantization.scaleBufferIndex | 0, 0);
      builder.addFieldInt32(3, quantization.numScales | 0, 0);
      return { type: 1, offset: builder.endObject() };
    }
    case 'per-tensor':
      builder.startObject(2);
      builder.addFieldFloat32(0, quantization.scale, 0);
      builder.addFieldInt32(1, quantization.zeroPoint, 0);
      return { type: 2, offset: builder.endObject() };
    case 'per-token-dynamic':
      builder.startObject(1);
      builder.addFieldInt32(0, quantization.numNonbatchDims, 0);
      return { type: 3, offset: builder.endObject() };
    case 'per-channel-group': {
      const scales = float32Vector(builder, quantization.scales);
      builder.startObject(6);
      builder.addFieldOffset(0, scales, 0);
      builder.addFieldInt32(1, quantization.channelDim, 0);
      builder.addFieldInt32(2, quantization.groupSize, 0);
      builder.addFieldInt32(4, quantization.scaleBufferIndex | 0, 0);
      builder.addFieldInt32(5, quantization.numScales | 0, 0);
      return { type: 4, offset: builder.endObject() };
    }
  }
}

function writeValue(builder: Builder, value: XnnValue): number {
  let type: number;
  let body: number;
  if (value.kind === 'tensor') {
    type = 1;
    body = writeTensor(builder, value.tensor);
  } else {
    const tensor = writeTensor(builder, value.tensor);
    const params = writeQuantization(builder, value.quantization);
    builder.startObject(3);
    builder.addFieldOffset(0, tensor, 0);
    builder.addFieldInt8(1, params.type, 0);
    builder.addFieldOffset(2, params.offset, 0);
    type = 2;
    body = builder.endObject();
  }
  builder.startObject(2);
  builder.addFieldInt8(0, type, 0);
  builder.addFieldOffset(1, body, 0);
  return builder.endObject();
}

function writeNode(builder: Builder, node: XnnNode): number {
  const layout = layoutOf(node.kind);
  const fields = node as unknown as Record<string, number | number[]>;
  const vectors = layout.map(([name, kind]) => (kind === 'uints' ? uint32Vector(builder, fields[name] as number[]) : 0));
  builder.startObject(layout.length);
  layout.forEach(([name, kind], slot) => {
    const value = fields[name];
    if (kind === 'uints') builder.addFieldOffset(slot, vectors[slot]!, 0);
    else if (kind === 'float') builder.addFieldFloat32(slot, value as number, 0);
    else builder.addFieldInt32(slot, (value as number) | 0, 0);
  });
  const body = builder.endObject();
  let clamp = 0;
  if (node.outputMinMax) {
    builder.startObject(2);
    builder.addFieldFloat32(0, node.outputMinMax.min, 0);
    builder.addFieldFloat32(1, node.outputMinMax.max, 0);
    clamp = builder.endObject();
  }
  builder.startObject(4);
  builder.addFieldInt8(0, nodeUnionType(node.kind), 0);
  builder.addFieldOffset(1, body, 0);
  builder.addFieldInt32(2, node.debugHandle | 0, 0);
  if (clamp) builder.addFieldOffset(3, clamp, 0);
  return builder.endObject();
}

function writeConstantEntry(builder: Builder, entry: ConstantDataEntry): number {
  const key = entry.kind === 'named' ? builder.createString(entry.key) : 0;
  builder.startObject(3);
  builder.addFieldInt64(0, entry.kind === 'named' ? NAMED_CONSTANT_OFFSET : entry.offset, 0n);
  builder.addFieldInt64(1, entry.size, 0n);
  if (entry.kind === 'named') builder.addFieldOffset(2, key, 0);
  return builder.endObject();
}

/** Serializes a graph as an XN01 flatbuffer. */
export function writeXnnGraph(graph: XnnGraph): Uint8Array {
  const builder = new Builder(1024);
  const version = builder.createString(graph.version);
  const nodes = offsetVector(builder, graph.nodes.map((node) => writeNode(builder, node)));
  const values = offsetVector(builder, graph.values.map((value) => writeValue(builder, value)));
  const inputIds = uint32Vector(builder, graph.inputIds);
  const outputIds = uint32Vector(builder, graph.outputIds);
  const constantData = offsetVector(builder, graph.constantData.map((entry) => writeConstantEntry(builder, entry)));
  builder.startObject(9);
  builder.addFieldOffset(0, version, 0);
  builder.addFieldOffset(1, nodes, 0);
  builder.addFieldOffset(2, values, 0);
  builder.addFieldInt32(3, graph.numExterns | 0, 0);
  builder.addFieldOffset(4, inputIds, 0);
  builder.addFieldOffset(5, outputIds, 0);
  builder.addFieldOffset(8, constantData, 0);
  builder.finish(builder.endObject(), GRAPH_IDENTIFIER);
  return builder.asUint8Array().slice();
}
