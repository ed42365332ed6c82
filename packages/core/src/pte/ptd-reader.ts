/**
 * Decodes a `.ptd` (FlatTensor) file with the same bounds-checked reader as `.pte` files. The
 * `FH01` header is required; segment data is returned as zero-copy views. Files in the v0.6
 * layout are recognised by their vtable: only that layout uses slots 3 and 4.
 */

import { PteFormatError } from '../errors.js';
import { isScalarType } from '../scalar-type.js';
import { FlatBufferReader, type FlatBufferReaderLimits, type Table } from './flatbuffer-reader.js';
import type { Segment } from './model.js';
import type { FlatTensorHeader, PtdFile, PtdNamedData, PtdTensorMetadata, TensorLayout } from './ptd-model.js';

/** The identifier at bytes 4..8 of every `.ptd`. */
export const PTD_FILE_IDENTIFIER = 'FT01';
const HEADER_MAGIC = 'FH01';
const HEADER_OFFSET = 8;
/** magic + length + four uint64 fields. */
export const FLAT_TENSOR_HEADER_LENGTH = 40;

/** Options for `readPtd`. */
export interface ReadPtdOptions {
  /** File name used in error messages. */
  source?: string;
  limits?: FlatBufferReaderLimits;
  /** Require scalars at multiples of their size, as the FlatBuffers verifier does. */
  verifyAlignment?: boolean;
}

function text(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** The `FH01` header of a `.ptd`, validated against the file size. */
export function readFlatTensorHeader(bytes: Uint8Array, options: { source?: string } = {}): FlatTensorHeader {
  const prefix = options.source ? `${options.source}: ` : '';
  const hint = 'The file is truncated, corrupt or not an ExecuTorch .ptd; re-export it.';
  if (bytes.length < HEADER_OFFSET + FLAT_TENSOR_HEADER_LENGTH) {
    throw new PteFormatError('flat_tensor_header', `${prefix}file is ${bytes.length} bytes, too short for a .ptd header`, { offset: 0, hint });
  }
  if (text(bytes, 4) !== PTD_FILE_IDENTIFIER) {
    throw new PteFormatError('file_identifier', `${prefix}file identifier is ${JSON.stringify(text(bytes, 4))}, expected "${PTD_FILE_IDENTIFIER}"`, { offset: 4, hint });
  }
  if (text(bytes, HEADER_OFFSET) !== HEADER_MAGIC) {
    throw new PteFormatError('flat_tensor_header.magic', `${prefix}header magic is ${JSON.stringify(text(bytes, HEADER_OFFSET))}, expected "${HEADER_MAGIC}"`, { offset: HEADER_OFFSET, hint });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(HEADER_OFFSET + 4, true);
  const field = (relative: number, name: string): number => {
    const value = view.getBigUint64(HEADER_OFFSET + relative, true);
    if (value > BigInt(bytes.length)) {
      throw new PteFormatError(`flat_tensor_header.${name}`, `${prefix}${name} ${value} exceeds the file size ${bytes.length}`, { offset: HEADER_OFFSET + relative, hint });
    }
    return Number(value);
  };
  if (headerLength < FLAT_TENSOR_HEADER_LENGTH) {
    throw new PteFormatError('flat_tensor_header.length', `${prefix}header length ${headerLength} is below ${FLAT_TENSOR_HEADER_LENGTH}`, { offset: HEADER_OFFSET + 4, hint });
  }
  const header = {
    headerLength,
    flatbufferOffset: field(8, 'flatbuffer_offset'),
    flatbufferSize: field(16, 'flatbuffer_size'),
    segmentBaseOffset: field(24, 'segment_base_offset'),
    segmentDataSize: field(32, 'segment_data_size'),
  };
  if (header.flatbufferOffset < FLAT_TENSOR_HEADER_LENGTH || header.flatbufferOffset + header.flatbufferSize > bytes.length) {
    throw new PteFormatError('flat_tensor_header.flatbuffer_size', `${prefix}flatbuffer [${header.flatbufferOffset}, +${header.flatbufferSize}) does not fit the ${bytes.length}-byte file`, { offset: HEADER_OFFSET + 16, hint });
  }
  if (header.segmentBaseOffset + header.segmentDataSize > bytes.length) {
    throw new PteFormatError('flat_tensor_header.segment_data_size', `${prefix}segments end at ${header.segmentBaseOffset + header.segmentDataSize}, past the end of the ${bytes.length}-byte file`, { offset: HEADER_OFFSET + 32, hint });
  }
  return header;
}

function scalarTypeOf(table: Table, slot: number): TensorLayout['scalarType'] {
  const code = table.int8(slot, 'scalar_type');
  if (!isScalarType(code)) throw table.reader.error(`${table.path}.scalar_type`, `scalar type ${code} is not in the schema`, table.position);
  return code;
}

function readLayout(table: Table): TensorLayout {
  return { scalarType: scalarTypeOf(table, 0), sizes: table.int32s(1, 'sizes') ?? [], dimOrder: table.uint8s(2, 'dim_order') ?? [] };
}

function readLegacyTensor(table: Table): PtdTensorMetadata {
  return {
    fullyQualifiedName: table.string(0, 'fully_qualified_name') ?? '',
    scalarType: scalarTypeOf(table, 1),
    sizes: table.int32s(2, 'sizes') ?? [],
    dimOrder: table.uint8s(3, 'dim_order') ?? [],
    segmentIndex: table.uint32(4, 'segment_index'),
    offset: table.uint64Number(5, 'offset'),
  };
}

/**
 * Decodes a `.ptd` file (either FlatTensor layout). Segment data are views of `bytes`.
 *
 * @throws PteFormatError naming `options.source` and the field when the file is malformed.
 */
export function readPtd(bytes: Uint8Array, options: ReadPtdOptions = {}): PtdFile {
  const source = options.source;
  const header = readFlatTensorHeader(bytes, source === undefined ? {} : { source });
  const reader = new FlatBufferReader(bytes, {
    ...(source === undefined ? {} : { source }),
    end: header.flatbufferOffset + header.flatbufferSize,
    ...(options.limits ? { limits: options.limits } : {}),
    verifyAlignment: options.verifyAlignment ?? false,
  });
  const root = reader.root('FlatTensor');
  const legacy = root.has(3) || root.has(4);
  const segmentsSlot = legacy ? 3 : 1;
  const namedSlot = legacy ? 4 : 2;
  const segments =
    root.tables(segmentsSlot, 'segments', (table, index): Segment => {
      const offset = table.uint64Number(0, 'offset');
      const size = table.uint64Number(1, 'size');
      const start = header.segmentBaseOffset + offset;
      if (offset + size > header.segmentDataSize || start + size > bytes.length) {
        throw reader.error(`FlatTensor.segments[${index}]`, `segment [${offset}, +${size}) is outside the ${header.segmentDataSize} bytes of segment data`, table.position);
      }
      return { offset, size, data: bytes.subarray(start, start + size) };
    }) ?? [];
  const namedData =
    root.tables(namedSlot, 'named_data', (table): PtdNamedData => {
      const layout = legacy ? null : table.table(2, 'tensor_layout');
      return { key: table.string(0, 'key') ?? '', segmentIndex: table.uint32(1, 'segment_index'), tensorLayout: layout ? readLayout(layout) : null };
    }) ?? [];
  const tensors = legacy ? (root.tables(2, 'tensors', readLegacyTensor) ?? []) : [];
  for (const [index, entry] of namedData.entries()) {
    if (entry.segmentIndex >= segments.length) throw reader.error(`FlatTensor.named_data[${index}].segment_index`, `segment ${entry.segmentIndex} does not exist (${segments.length} segments)`);
  }
  for (const [index, tensor] of tensors.entries()) {
    if (tensor.segmentIndex >= segments.length) throw reader.error(`FlatTensor.tensors[${index}].segment_index`, `segment ${tensor.segmentIndex} does not exist (${segments.length} segments)`);
  }
  return {
    schema: legacy ? 'v0.6' : 'current',
    version: root.uint32(0, 'version'),
    segments,
    namedData,
    tensorAlignment: legacy ? root.uint32(1, 'tensor_alignment') : 0,
    tensors,
  };
}
