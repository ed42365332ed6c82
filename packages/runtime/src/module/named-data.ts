/**
 * The named data a program can see: the `.pte`'s own `named_data` entries (tokenizer files,
 * delegate weights shared by key) merged with any `.ptd` files passed to `Module.load`. It is the
 * `NamedDataMap` delegates receive at init and where EXTERNAL constants are looked up by their
 * fully qualified name. Entries of later sources win, as in ExecuTorch's merged data map.
 */

import { type NamedDataMap, type PteProgram, PteFormatError } from '@etch/core';

/** A read-only map over byte views; nothing is copied. */
export class MergedNamedData implements NamedDataMap {
  private readonly entries = new Map<string, Uint8Array>();

  constructor(sources: Iterable<Iterable<readonly [string, Uint8Array]>>) {
    for (const source of sources) for (const [key, bytes] of source) this.entries.set(key, bytes);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** The `(key, bytes)` pairs of a program's `named_data`, each resolved to its segment. */
export function programNamedData(program: PteProgram): [string, Uint8Array][] {
  return (program.namedData ?? []).map((entry, index) => {
    const segment = program.segments[entry.segmentIndex];
    if (!segment) {
      throw new PteFormatError(
        `named_data[${index}].segment_index`,
        `'${entry.key}' points at segment ${entry.segmentIndex}, but the program has ${program.segments.length} segments`,
      );
    }
    return [entry.key, segment.data] as [string, Uint8Array];
  });
}
