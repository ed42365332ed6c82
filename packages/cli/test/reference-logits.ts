/**
 * Compares logits dumped by `etch generate --dump-logits` (float32 little-endian rows) with
 * reference rows, returning the largest absolute difference.
 */

import { readFileSync } from 'node:fs';

export function readFloat32File(file: string): Float32Array {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function maxAbsDifference(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}
