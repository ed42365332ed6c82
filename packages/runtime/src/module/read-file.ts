/**
 * Reads a `.pte`/`.ptd` from the file system in Node. It reaches `node:fs` through
 * `process.getBuiltinModule` rather than an import, so bundling the runtime for a browser never
 * pulls in (or trips over) Node modules; browsers load from bytes or URLs instead.
 */

import { InvalidArgumentError } from '@etch/core';
import { alignedBytes } from './aligned-bytes.js';

/** The whole file, 16-byte aligned in memory; `file:` URLs are accepted too. */
export async function readFileBytes(path: string, field: string): Promise<Uint8Array> {
  const { readFile } = process.getBuiltinModule('node:fs/promises');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
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
