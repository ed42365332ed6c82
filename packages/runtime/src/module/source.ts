/**
 * Turns what a caller passes to `Module.load` (bytes, a URL, or a file path) into bytes. URLs are
 * fetched (everywhere); file paths are read with Node's file system (`read-file.ts`), and in a
 * browser any string is taken as a URL relative to the page.
 */

import { InvalidArgumentError } from '@etch/core';
import { alignedBytes } from './aligned-bytes.js';
import { readFileBytes } from './read-file.js';

/** What `Module.load` accepts for a `.pte` or `.ptd`: its bytes, a URL, or (in Node) a file path. */
export type ByteSource = Uint8Array | ArrayBuffer | string;

const URL_PATTERN = /^(https?|blob|data|file):/i;

/** Reports bytes read so far and the total (0 when the server does not say). */
export type ReadProgress = (completed: number, total: number) => void;

async function fetchBytes(url: string, field: string, onProgress: ReadProgress | undefined): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidArgumentError(field, `fetching ${url} failed with HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!onProgress || !response.body || !(total > 0)) return new Uint8Array(await response.arrayBuffer());
  // Stream into one buffer of the announced size, reporting progress per chunk.
  const bytes = new Uint8Array(total);
  const reader = response.body.getReader();
  let completed = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (completed + value.byteLength > total) throw new InvalidArgumentError(field, `${url} sent more than its content-length of ${total} bytes`);
    bytes.set(value, completed);
    completed += value.byteLength;
    onProgress(completed, total);
  }
  if (completed !== total) throw new InvalidArgumentError(field, `${url} ended after ${completed} of ${total} bytes`);
  return bytes;
}

/**
 * The bytes of a source, 16-byte aligned in memory: ExecuTorch requires program data to be, and
 * constants become typed-array views straight into these bytes.
 */
export async function readSource(source: ByteSource, field: string, onProgress?: ReadProgress): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof Uint8Array) return alignedBytes(source);
  if (typeof source !== 'string') throw new InvalidArgumentError(field, 'expected bytes, a URL or a file path');
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (URL_PATTERN.test(source) && !(isNode && source.startsWith('file:'))) return fetchBytes(source, field, onProgress);
  if (!isNode) return fetchBytes(source, field, onProgress);
  return readFileBytes(source, field);
}
