/**
 * Encodes a `PtdFile` as a `.ptd` (FlatTensor) file: flatbuffer with the `FH01` header spliced
 * in after the identifier (40 bytes padded to 48), zero padding to a multiple of 128, then the
 * segments, each at a multiple of 128 — the layout upstream's FlatTensorSerializer produces.
 * Both table layouts can be written, so a v0.6 file read in comes back in its own layout (byte
 * for byte with `{ fieldOrder: 'by-size', segmentAlignment: 16 }`).
 */

import { Builder } from 'flatbuffers';
import { TableBuilder, type FieldOrder, type FieldValue } from './table-builder.js';
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

const int8 = (slot: number, value: number): FieldValue => ({ slot, type: 'int8', value });
const int32 = (slot: number, value: number): FieldValue => ({ slot, type: 'int32', value });
const int64 = (slot: number, value: bigint): FieldValue => ({ slot, type: 'int64', value });
const offset = (slot: number, value: number): FieldValue => ({ slot, type: 'offset', value });

function tensorLayout(tables: TableBuilder, layout: TensorLayout): number {
  const sizes = int32Vector(tables.builder, layout.sizes);
  const dimOrder = uint8Vector(tables.builder, layout.dimOrder);
  return tables.table([int8(0, layout.scalarType), offset(1, sizes), offset(2, dimOrder)]);
}

function legacyTensor(tables: TableBuilder, tensor: PtdTensorMetadata, index: number): number {
  const name = tables.builder.createString(tensor.fullyQualifiedName);
  const sizes = int32Vector(tables.builder, tensor.sizes);
  const dimOrder = uint8Vector(tables.builder, tensor.dimOrder);
  return tables.table([
    offset(0, name),
    int8(1, tensor.scalarType),
    offset(2, sizes),
    offset(3, dimOrder),
    int32(4, uint32(tensor.segmentIndex, `tensors[${index}].segmentIndex`)),
    int64(5, BigInt(tensor.offset)),
  ]);
}

/** Layout choices; the defaults follow upstream's current FlatTensorSerializer. */
export interface WritePtdOptions {
  /** `by-size` reproduces files built by flatc (all v0.6 files). */
  fieldOrder?: FieldOrder;
  /** Alignment of the segment base and of each segment (default 128; v0.6 files used 16). */
  segmentAlignment?: number;
}

/**
 * Encodes `file` as a `.ptd`. Segment offsets and sizes are recomputed from the data, as in
 * `writePte`.
 */
export function writePtd(file: PtdFile, options: WritePtdOptions = {}): Uint8Array {
  const segmentAlignment = options.segmentAlignment ?? SEGMENT_ALIGNMENT;
  if (!Number.isInteger(segmentAlignment) || segmentAlignment < 1 || (segmentAlignment & (segmentAlignment - 1)) !== 0) {
    throw new InvalidArgumentError('segmentAlignment', `${segmentAlignment} is not a power of two`, { hint: 'Use 128 (upstream default) or another power of two.' });
  }
  const layout = layoutSegments(file.segments.map((segment) => segment.data.length), segmentAlignment);
  const builder = new Builder(1024);
  const tables = new TableBuilder(builder, options.fieldOrder ?? 'declaration');
  const legacy = file.schema === 'v0.6';
  const tensors = legacy ? offsetVector(builder, file.tensors.map((tensor, index) => legacyTensor(tables, tensor, index))) : 0;
  const segments = offsetVector(
    builder,
    file.segments.map((segment, index) => tables.table([int64(0, BigInt(layout.offsets[index]!)), int64(1, BigInt(segment.data.length))])),
  );
  // v0.6 files leave named_data out when there is none (it was new then); current files always carry it.
  const writeNamed = !legacy || file.namedData.length > 0;
  const named = writeNamed
    ? offsetVector(
        builder,
        file.namedData.map((entry, index) => {
          const key = builder.createString(entry.key);
          const tensor = !legacy && entry.tensorLayout ? tensorLayout(tables, entry.tensorLayout) : 0;
          return tables.table([offset(0, key), int32(1, uint32(entry.segmentIndex, `namedData[${index}].segmentIndex`)), offset(2, tensor)]);
        }),
      )
    : 0;
  const version = int32(0, uint32(file.version, 'version'));
  const root = legacy
    ? tables.table([version, int32(1, uint32(file.tensorAlignment, 'tensorAlignment')), offset(2, tensors), offset(3, segments), offset(4, named)])
    : tables.table([version, offset(1, segments), offset(2, named)]);
  builder.finish(root, PTD_FILE_IDENTIFIER);
  const flatbuffer = builder.asUint8Array();

  const segmentBaseOffset = alignUp(flatbuffer.length + PADDED_HEADER_LENGTH, segmentAlignment);
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
