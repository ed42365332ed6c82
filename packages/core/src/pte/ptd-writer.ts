/**
 * Encodes a `PtdFile` as a `.ptd` (FlatTensor) file: flatbuffer with the `FH01` header spliced
 * in after the identifier (40 bytes padded to 48), zero padding to a multiple of 128, then the
 * segments, each at a multiple of 128 — the layout upstream's FlatTensorSerializer produces.
 * Both table layouts can be written, so a v0.6 file read in comes back in its own layout.
 */

import { Builder } from 'flatbuffers';
import { InvalidArgumentError } from '../errors.js';
import type { PtdFile, PtdTensorMetadata, TensorLayout } from './ptd-model.js';
import { FLAT_TENSOR_HEADER_LENGTH, PTD_FILE_IDENTIFIER } from './ptd-reader.js';
import { SEGMENT_ALIGNMENT, layoutSegments } from './writer.js';

const HEADER_OFFSET = 8;
/** The header is padded to the schema's largest alignment. */
const PADDED_HEADER_LENGTH = 48;

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function uint32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new InvalidArgumentError(field, `${value} is not an unsigned 32-bit integer`, { hint: 'Fix the PtdFile field before writing it.' });
  }
  return value;
}

function int32Vector(builder: Builder, values: readonly number[]): number {
  builder.startVector(4, values.length, 4);
  for (let index = values.length - 1; index >= 0; index--) builder.addInt32(values[index]!);
  return builder.endVector();
}

function uint8Vector(builder: Builder, values: readonly number[]): number {
  builder.startVector(1, values.length, 1);
  for (let index = values.length - 1; index >= 0; index--) builder.addInt8(values[index]!);
  return builder.endVector();
}

function offsetVector(builder: Builder, offsets: readonly number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let index = offsets.length - 1; index >= 0; index--) builder.addOffset(offsets[index]!);
  return builder.endVector();
}

function tensorLayout(builder: Builder, layout: TensorLayout): number {
  const sizes = int32Vector(builder, layout.sizes);
  const dimOrder = uint8Vector(builder, layout.dimOrder);
  builder.startObject(3);
  builder.addFieldInt8(0, layout.scalarType, 0);
  builder.addFieldOffset(1, sizes, 0);
  builder.addFieldOffset(2, dimOrder, 0);
  return builder.endObject();
}

function legacyTensor(builder: Builder, tensor: PtdTensorMetadata, index: number): number {
  const name = builder.createString(tensor.fullyQualifiedName);
  const sizes = int32Vector(builder, tensor.sizes);
  const dimOrder = uint8Vector(builder, tensor.dimOrder);
  builder.startObject(6);
  builder.addFieldOffset(0, name, 0);
  builder.addFieldInt8(1, tensor.scalarType, 0);
  builder.addFieldOffset(2, sizes, 0);
  builder.addFieldOffset(3, dimOrder, 0);
  builder.addFieldInt32(4, uint32(tensor.segmentIndex, `tensors[${index}].segmentIndex`), 0);
  builder.addFieldInt64(5, BigInt(tensor.offset), 0n);
  return builder.endObject();
}

/**
 * Encodes `file` as a `.ptd`. Segment offsets and sizes are recomputed from the data, as in
 * `writePte`.
 */
export function writePtd(file: PtdFile): Uint8Array {
  const layout = layoutSegments(file.segments.map((segment) => segment.data.length));
  const builder = new Builder(1024);
  const tensors = file.schema === 'v0.6' ? offsetVector(builder, file.tensors.map((tensor, index) => legacyTensor(builder, tensor, index))) : 0;
  const segments = offsetVector(
    builder,
    file.segments.map((segment, index) => {
      builder.startObject(2);
      builder.addFieldInt64(0, BigInt(layout.offsets[index]!), 0n);
      builder.addFieldInt64(1, BigInt(segment.data.length), 0n);
      return builder.endObject();
    }),
  );
  const named = offsetVector(
    builder,
    file.namedData.map((entry, index) => {
      const key = builder.createString(entry.key);
      const tensor = file.schema === 'current' && entry.tensorLayout ? tensorLayout(builder, entry.tensorLayout) : 0;
      builder.startObject(3);
      builder.addFieldOffset(0, key, 0);
      builder.addFieldInt32(1, uint32(entry.segmentIndex, `namedData[${index}].segmentIndex`), 0);
      if (tensor) builder.addFieldOffset(2, tensor, 0);
      return builder.endObject();
    }),
  );
  const legacy = file.schema === 'v0.6';
  builder.startObject(legacy ? 5 : 3);
  builder.addFieldInt32(0, uint32(file.version, 'version'), 0);
  if (legacy) {
    builder.addFieldInt32(1, uint32(file.tensorAlignment, 'tensorAlignment'), 0);
    builder.addFieldOffset(2, tensors, 0);
  }
  builder.addFieldOffset(legacy ? 3 : 1, segments, 0);
  builder.addFieldOffset(legacy ? 4 : 2, named, 0);
  builder.finish(builder.endObject(), PTD_FILE_IDENTIFIER);
  const flatbuffer = builder.asUint8Array();

  const segmentBaseOffset = alignUp(flatbuffer.length + PADDED_HEADER_LENGTH, SEGMENT_ALIGNMENT);
  const bytes = new Uint8Array(segmentBaseOffset + layout.dataSize);
  const view = new DataView(bytes.buffer);
  bytes.set(flatbuffer.subarray(0, HEADER_OFFSET), 0);
  bytes.set([0x46, 0x48, 0x30, 0x31], HEADER_OFFSET); // "FH01"
  view.setUint32(HEADER_OFFSET + 4, FLAT_TENSOR_HEADER_LENGTH, true);
  view.setBigUint64(HEADER_OFFSET + 8, BigInt(PADDED_HEADER_LENGTH), true);
  view.setBigUint64(HEADER_OFFSET + 16, BigInt(flatbuffer.length), true);
  view.setBigUint64(HEADER_OFFSET + 24, BigInt(segmentBaseOffset), true);
  view.setBigUint64(HEADER_OFFSET + 32, BigInt(layout.dataSize), true);
  bytes.set(flatbuffer.subarray(HEADER_OFFSET), HEADER_OFFSET + PADDED_HEADER_LENGTH);
  view.setUint32(0, view.getUint32(0, true) + PADDED_HEADER_LENGTH, true);
  file.segments.forEach((segment, index) => bytes.set(segment.data, segmentBaseOffset + layout.offsets[index]!));
  return bytes;
}
