/**
 * The XNNPACK delegate payload (`BackendDelegate.processed`): a 32-byte `XH00` header, the graph
 * flatbuffer padded to 16 bytes, then the inline constant data region. Header layout (little
 * endian): 4 zero bytes, magic `XH00` at 4, header length (30) u16 at 8, flatbuffer offset u32
 * at 10 and size u32 at 14, constant data offset u32 at 18 and size u64 at 22. A payload without
 * the header is a bare flatbuffer, which ExecuTorch also accepts.
 */

import { PteFormatError } from '@etch/core';
import { readXnnGraph } from './graph-reader.js';
import { writeXnnGraph } from './graph-writer.js';
import type { XnnGraph } from './xnn-graph.js';

const MAGIC = 'XH00';
const HEADER_LENGTH = 30;
/** Alignment of the flatbuffer and of the constant region (ExecuTorch's CONSTANT_TENSOR_ALIGNMENT). */
export const PAYLOAD_ALIGNMENT = 16;

/** The `XH00` header's fields: where the flatbuffer and the inline constant region are in the payload. */
export interface XnnPayloadHeader {
  readonly flatbufferOffset: number;
  readonly flatbufferSize: number;
  readonly constantDataOffset: number;
  readonly constantDataSize: number;
}

/** A parsed payload: the graph and the inline constant region it indexes into. */
export interface XnnPayload {
  readonly graph: XnnGraph;
  /** The bytes after the flatbuffer (`ConstantDataOffset` entries without a named key). */
  readonly constantData: Uint8Array;
  /** Undefined for a bare flatbuffer payload. */
  readonly header?: XnnPayloadHeader;
}

const alignUp = (value: number, alignment: number) => Math.ceil(value / alignment) * alignment;

/** Reads the `XH00` header, or returns undefined when the payload does not start with one. */
export function readPayloadHeader(bytes: Uint8Array): XnnPayloadHeader | undefined {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(4, 8)) !== MAGIC) return undefined;
  if (bytes.length < HEADER_LENGTH) throw new PteFormatError('XNNPACK payload header', `truncated: ${bytes.length} bytes, the header needs ${HEADER_LENGTH}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint16(8, true);
  if (length < HEADER_LENGTH) throw new PteFormatError('XNNPACK payload header length', `${length}, expected at least ${HEADER_LENGTH}`, { offset: 8 });
  const constantDataSize = view.getBigUint64(22, true);
  const header = {
    flatbufferOffset: view.getUint32(10, true),
    flatbufferSize: view.getUint32(14, true),
    constantDataOffset: view.getUint32(18, true),
    constantDataSize: Number(constantDataSize),
  };
  if (header.flatbufferSize === 0 || header.flatbufferOffset + header.flatbufferSize > bytes.length) {
    throw new PteFormatError('XNNPACK payload header flatbuffer', `offset ${header.flatbufferOffset} size ${header.flatbufferSize} does not fit the ${bytes.length}-byte payload`, { offset: 10 });
  }
  if (header.constantDataOffset < header.flatbufferOffset + header.flatbufferSize || constantDataSize > BigInt(bytes.length - Math.min(header.constantDataOffset, bytes.length)) || header.constantDataOffset > bytes.length) {
    throw new PteFormatError('XNNPACK payload header constant data', `offset ${header.constantDataOffset} size ${constantDataSize} does not fit the ${bytes.length}-byte payload after the flatbuffer`, { offset: 18 });
  }
  return header;
}

/** Parses a payload as ExecuTorch's XNNPACK backend does (header optional). */
export function readXnnPayload(bytes: Uint8Array): XnnPayload {
  const header = readPayloadHeader(bytes);
  if (!header) return { graph: readXnnGraph(bytes), constantData: new Uint8Array(0) };
  const graph = readXnnGraph(bytes.subarray(header.flatbufferOffset, header.flatbufferOffset + header.flatbufferSize), header.flatbufferOffset);
  const constantData = bytes.subarray(header.constantDataOffset, header.constantDataOffset + header.constantDataSize);
  return { graph, constantData, header };
}

/** Serializes a graph and its inline constant region into a payload with an `XH00` header. */
export function writeXnnPayload(graph: XnnGraph, constantData: Uint8Array = new Uint8Array(0)): Uint8Array {
  const flatbuffer = writeXnnGraph(graph);
  const flatbufferOffset = alignUp(HEADER_LENGTH, PAYLOAD_ALIGNMENT);
  const constantDataOffset = flatbufferOffset + alignUp(flatbuffer.length, PAYLOAD_ALIGNMENT);
  const payload = new Uint8Array(constantDataOffset + constantData.length);
  const view = new DataView(payload.buffer);
  payload.set([...MAGIC].map((c) => c.charCodeAt(0)), 4);
  view.setUint16(8, HEADER_LENGTH, true);
  view.setUint32(10, flatbufferOffset, true);
  view.setUint32(14, flatbuffer.length, true);
  view.setUint32(18, constantDataOffset, true);
  view.setBigUint64(22, BigInt(constantData.length), true);
  payload.set(flatbuffer, flatbufferOffset);
  payload.set(constantData, constantDataOffset);
  return payload;
}
