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

async function fetchBytes(url: string, field: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidArgumentError(field, `fetching ${url} failed with HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The bytes of a source, 16-byte aligned in memory: ExecuTorch requires program data to be, and
 * constants become typed-array views straight into these bytes.
 */
export async function readSource(source: ByteSource, field: string): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source instanceof Uint8Array) return alignedBytes(source);
  if (typeof source !== 'string') throw new InvalidArgumentError(field, 'expected bytes, a URL or a file path');
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (URL_PATTERN.test(source) && !(isNode && source.startsWith('file:'))) return fetchBytes(source, field);
  if (!isNode) return fetchBytes(source, field);
  return readFileBytes(source, field);
}
