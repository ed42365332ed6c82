/**
 * The named data a program can see: the `.pte`'s own `named_data` entries (tokenizer files,
 * delegate weights shared by key) merged with any `.ptd` files passed to `Module.load`. It is the
 * `NamedDataMap` delegates receive at init and where EXTERNAL constants are looked up by their
 * fully qualified name (with the tensor layout, when the file declares one, to check against).
 * Entries of later sources win, as in ExecuTorch's merged data map.
 */

import { type NamedDataMap, type PteProgram, PteFormatError, type TensorLayout } from '@etch/core';

/** One named blob and, for tensors stored in a `.ptd`, its declared layout. */
export interface NamedEntry {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly layout: TensorLayout | null;
}

/** A read-only map over byte views; nothing is copied. */
export class MergedNamedData implements NamedDataMap {
  private readonly entries = new Map<string, NamedEntry>();

  constructor(sources: Iterable<Iterable<NamedEntry>>) {
    for (const source of sources) for (const entry of source) this.entries.set(entry.key, entry);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Uint8Array | undefined {
    return this.entries.get(key)?.bytes;
  }

  /** The declared dtype and shape of a named tensor, when its file gives them. */
  layout(key: string): TensorLayout | null {
    return this.entries.get(key)?.layout ?? null;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** The entries of a program's `named_data`, each resolved to its segment. */
export function programNamedData(program: PteProgram): NamedEntry[] {
  return (program.namedData ?? []).map((entry, index) => {
    const segment = program.segments[entry.segmentIndex];
    if (!segment) {
      throw new PteFormatError(
        `named_data[${index}].segment_index`,
        `'${entry.key}' points at segment ${entry.segmentIndex}, but the program has ${program.segments.length} segments`,
      );
    }
    return { key: entry.key, bytes: segment.data, layout: null };
  });
}
