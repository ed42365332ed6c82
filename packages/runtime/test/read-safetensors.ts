/**
 * A minimal safetensors reader for tests: the reference inputs and logits upstream recorded for
 * its own exports (`*.ref_io.safetensors`) are stored this way.
 */

import { readFileSync } from 'node:fs';

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Every tensor of a `.safetensors` file by name (the bytes are copies, so aligned). */
export function readSafetensors(path: string): Map<string, SafetensorsEntry> {
  const file = readFileSync(path);
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLength;
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets;
    entries.set(name, { dtype: info.dtype, shape: info.shape, bytes: Uint8Array.from(file.subarray(base + start, base + end)) });
  }
  return entries;
}
