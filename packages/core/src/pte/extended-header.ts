/**
 * The `eh00` extended header ExecuTorch splices into a `.pte` right after the file identifier
 * when the file carries segment data. It says where the flatbuffer ends and where the segments
 * start; the flatbuffer's own offsets already account for it.
 */

import { PteFormatError } from '../errors.js';
import type { ExtendedHeader } from './model.js';

/** Byte offset of the header: after the root uoffset and the file identifier. */
export const EXTENDED_HEADER_OFFSET = 8;
/** The length the writer records (magic, length, program size, segment base and data size). */
export const EXTENDED_HEADER_LENGTH = 32;
/** The shortest length a reader accepts (before `segment_data_size` was added). */
const MINIMUM_HEADER_LENGTH = 24;
const MAGIC = [0x65, 0x68, 0x30, 0x30]; // "eh00"

function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < EXTENDED_HEADER_OFFSET + 4) return false;
  return MAGIC.every((byte, index) => bytes[EXTENDED_HEADER_OFFSET + index] === byte);
}

function safeNumber(value: bigint, field: string, offset: number, source: string | undefined): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PteFormatError(field, `${source ? `${source}: ` : ''}value ${value} does not fit in 2^53`, { offset });
  }
  return Number(value);
}

/**
 * The extended header of a `.pte`, or null when the file has none (`eh00` absent at byte 8).
 * Checks that the sizes it records fit the file; throws PteFormatError otherwise.
 */
export function readExtendedHeader(bytes: Uint8Array, options: { source?: string } = {}): ExtendedHeader | null {
  if (!hasMagic(bytes)) return null;
  const source = options.source;
  const prefix = source ? `${source}: ` : '';
  const hint = 'The file is truncated or corrupt; re-export it or check that the whole file was copied.';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = EXTENDED_HEADER_OFFSET;
  if (bytes.length < base + MINIMUM_HEADER_LENGTH) {
    throw new PteFormatError('extended_header', `${prefix}file ends inside the extended header`, { offset: base, hint });
  }
  const headerLength = view.getUint32(base + 4, true);
  if (headerLength < MINIMUM_HEADER_LENGTH) {
    throw new PteFormatError('extended_header.length', `${prefix}header length ${headerLength} is below the minimum of ${MINIMUM_HEADER_LENGTH}`, { offset: base + 4, hint });
  }
  if (base + headerLength > bytes.length) {
    throw new PteFormatError('extended_header.length', `${prefix}header length ${headerLength} runs past the end of the ${bytes.length}-byte file`, { offset: base + 4, hint });
  }
  const programSize = safeNumber(view.getBigUint64(base + 8, true), 'extended_header.program_size', base + 8, source);
  const segmentBaseOffset = safeNumber(view.getBigUint64(base + 16, true), 'extended_header.segment_base_offset', base + 16, source);
  const segmentDataSize = headerLength >= 32 ? safeNumber(view.getBigUint64(base + 24, true), 'extended_header.segment_data_size', base + 24, source) : 0;
  if (programSize < base + headerLength || programSize > bytes.length) {
    throw new PteFormatError('extended_header.program_size', `${prefix}program size ${programSize} is not between the header end and the file size ${bytes.length}`, { offset: base + 8, hint });
  }
  if (segmentBaseOffset !== 0 && segmentBaseOffset < programSize) {
    throw new PteFormatError('extended_header.segment_base_offset', `${prefix}segment base ${segmentBaseOffset} lies inside the program (${programSize} bytes)`, { offset: base + 16, hint });
  }
  if (segmentBaseOffset + segmentDataSize > bytes.length) {
    throw new PteFormatError('extended_header.segment_data_size', `${prefix}segments end at ${segmentBaseOffset + segmentDataSize}, past the end of the ${bytes.length}-byte file`, { offset: base + 24, hint });
  }
  return { headerLength, programSize, segmentBaseOffset, segmentDataSize };
}

/** The 32 header bytes the writer splices in (zero padding to the padded length is added by the caller). */
export function encodeExtendedHeader(header: Omit<ExtendedHeader, 'headerLength'>): Uint8Array {
  const bytes = new Uint8Array(EXTENDED_HEADER_LENGTH);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, EXTENDED_HEADER_LENGTH, true);
  view.setBigUint64(8, BigInt(header.programSize), true);
  view.setBigUint64(16, BigInt(header.segmentBaseOffset), true);
  view.setBigUint64(24, BigInt(header.segmentDataSize), true);
  return bytes;
}
