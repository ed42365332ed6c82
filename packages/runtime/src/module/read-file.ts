/**
 * Reads a `.pte`/`.ptd` from the file system. Only `source.ts` imports it, dynamically, when a
 * caller passes a path in Node, so browser bundles never pull in `node:fs`.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@etch/core';
import { alignedBytes } from './aligned-bytes.js';

/** The whole file, 16-byte aligned in memory; `file:` URLs are accepted too. */
export async function readFileBytes(path: string, field: string): Promise<Uint8Array> {
  const resolved = path.startsWith('file:') ? fileURLToPath(path) : path;
  try {
    const buffer = await readFile(resolved);
    return alignedBytes(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  } catch (error) {
    throw new InvalidArgumentError(field, `cannot read ${resolved}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check the path, or pass the file contents as a Uint8Array',
    });
  }
}
