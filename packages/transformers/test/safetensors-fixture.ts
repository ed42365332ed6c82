/**
 * Writes small safetensors files for tests: well-formed ones from tensors, and raw ones from an
 * arbitrary header object and data bytes, so readers can be fed every kind of malformed file.
 */

import { writeFileSync } from 'node:fs';

export interface FixtureTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** The bytes of a safetensors file with exactly this header object and data section. */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

/** A valid safetensors file holding `tensors` back to back, in order. */
export function safetensorsBytes(tensors: FixtureTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const tensor of tensors) {
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.length] };
    offset += tensor.data.length;
  }
  const data = new Uint8Array(offset);
  offset = 0;
  for (const tensor of tensors) {
    data.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  return rawSafetensors(header, data);
}

/** Writes `safetensorsBytes(tensors)` to `path`. */
export function writeSafetensors(path: string, tensors: FixtureTensor[], metadata?: Record<string, string>): void {
  writeFileSync(path, safetensorsBytes(tensors, metadata));
}

/** float32 tensor bytes. */
export function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
