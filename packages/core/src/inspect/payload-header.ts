/**
 * Reads the container header XNNPACK (`XH00`) and Vulkan (`VH00`) put in front of their delegate
 * payloads, so `inspect` can show how a payload splits into its flatbuffer and its constant
 * bytes without depending on the delegate packages. Anything that does not parse as such a
 * header (another backend, or a damaged payload) gives null; nothing here throws.
 */

import type { PayloadHeader } from './summary.js';

const MAGICS = new Set(['XH00', 'VH00']);

/** The `XH00`/`VH00` header of a payload, or null when it has none or it does not fit. */
export function readPayloadHeader(payload: Uint8Array): PayloadHeader | null {
  if (payload.length < 30) return null;
  const magic = String.fromCharCode(...payload.subarray(4, 8));
  if (!MAGICS.has(magic)) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = view.getUint16(8, true);
  const flatbufferOffset = view.getUint32(10, true);
  const flatbufferSize = view.getUint32(14, true);
  const constantDataOffset = view.getUint32(18, true);
  const constantDataSize = view.getBigUint64(22, true);
  if (headerLength < 30 || flatbufferOffset < headerLength || flatbufferSize < 8 || flatbufferOffset + flatbufferSize > payload.length) return null;
  if (constantDataOffset < flatbufferOffset + flatbufferSize || BigInt(constantDataOffset) + constantDataSize > BigInt(payload.length)) return null;
  return {
    magic,
    headerLength,
    flatbufferOffset,
    flatbufferSize,
    flatbufferIdentifier: String.fromCharCode(...payload.subarray(flatbufferOffset + 4, flatbufferOffset + 8)),
    constantDataOffset,
    constantDataSize: Number(constantDataSize),
  };
}
