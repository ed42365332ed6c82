/**
 * Resolves a value's constant bytes the way ExecuTorch's XNNPACK backend does: entry 0 of
 * `constant_data` means "no constant", an entry with a named key is looked up in the program's
 * named data, any other entry is an offset and size inside the payload's inline constant region.
 * Every entry and size is checked before use, and the bytes are copied so typed views are aligned.
 */

import { type NamedDataMap, PteFormatError } from '@etch/core';
import type { XnnPayload } from '../format/payload.js';

/** Finds the bytes of a graph's constants (inline or in named data), checked. */
export class ConstantResolver {
  constructor(
    private readonly payload: XnnPayload,
    private readonly namedData: NamedDataMap,
  ) {}

  /** A copy of constant `index` (at least `minimumBytes` long), or undefined for index 0. */
  bytes(index: number, minimumBytes: number, field: string): Uint8Array | undefined {
    if (index === 0) return undefined;
    const entries = this.payload.graph.constantData;
    const entry = entries[index];
    if (!entry) throw new PteFormatError(`XNNPACK graph ${field}`, `constant ${index} is out of range (constant_data has ${entries.length} entries)`);
    let bytes: Uint8Array;
    if (entry.kind === 'named') {
      const found = this.namedData.get(entry.key);
      if (!found) {
        throw new PteFormatError(`XNNPACK graph ${field}`, `named data '${entry.key}' is missing`, {
          hint: 'pass the .ptd file holding the weights, or re-export without external constants',
        });
      }
      bytes = found;
    } else {
      const region = this.payload.constantData;
      if (entry.offset + entry.size > BigInt(region.length)) {
        throw new PteFormatError(`XNNPACK graph ${field}`, `constant ${index} (offset ${entry.offset}, size ${entry.size}) exceeds the ${region.length}-byte constant region`);
      }
      bytes = region.subarray(Number(entry.offset), Number(entry.offset + entry.size));
    }
    if (bytes.length < minimumBytes) {
      throw new PteFormatError(`XNNPACK graph ${field}`, `constant ${index} has ${bytes.length} bytes, the value needs ${minimumBytes}`);
    }
    return bytes.slice(0, Math.max(minimumBytes, 0));
  }
}

/** A float32 view of (aligned) bytes. */
export function float32View(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
