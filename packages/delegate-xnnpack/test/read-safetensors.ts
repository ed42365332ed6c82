/**
 * Test support: reads a `.safetensors` file (8-byte little-endian header length, JSON header,
 * then the raw tensor bytes) into name → shape and bytes.
 */

import { readFileSync } from 'node:fs';

export interface SafetensorsEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

export function readSafetensors(path: string): Map<string, SafetensorsEntry> {
  const file = new Uint8Array(readFileSync(path));
  const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerLength;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = entry.data_offsets;
    // Copy so typed views over the bytes are aligned.
    entries.set(name, { dtype: entry.dtype, shape: entry.shape, bytes: file.slice(base + start, base + end) });
  }
  return entries;
}
