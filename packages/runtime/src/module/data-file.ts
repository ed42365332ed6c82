/**
 * `.ptd` files passed to `Module.load`, read through core's `.ptd` reader into named entries for
 * the named data map: `named_data` blobs of current files, and the fully-qualified-name tensors
 * of v0.6 files, each with its declared layout when the file gives one.
 */

import { type PtdFile, PteFormatError, elementSize, readPtd } from '@etch/core';
import type { NamedEntry } from './named-data.js';
import { type ByteSource, readSource } from './source.js';

function entriesOf(file: PtdFile, field: string): NamedEntry[] {
  const entries: NamedEntry[] = file.namedData.map((entry) => ({
    key: entry.key,
    bytes: file.segments[entry.segmentIndex]!.data,
    layout: entry.tensorLayout,
  }));
  for (const [index, tensor] of file.tensors.entries()) {
    const data = file.segments[tensor.segmentIndex]!.data;
    const nbytes = tensor.sizes.reduce((count, size) => count * size, 1) * elementSize(tensor.scalarType);
    if (tensor.offset + nbytes > data.byteLength) {
      throw new PteFormatError(`${field}: tensors[${index}]`, `'${tensor.fullyQualifiedName}' (${nbytes} bytes at ${tensor.offset}) runs past its segment`);
    }
    entries.push({
      key: tensor.fullyQualifiedName,
      bytes: data.subarray(tensor.offset, tensor.offset + nbytes),
      layout: { scalarType: tensor.scalarType, sizes: tensor.sizes, dimOrder: tensor.dimOrder },
    });
  }
  return entries;
}

/** The named entries of one `.ptd`. */
export async function readDataFile(source: ByteSource, field: string): Promise<NamedEntry[]> {
  const bytes = await readSource(source, field);
  return entriesOf(readPtd(bytes, { source: typeof source === 'string' ? source : field }), field);
}
