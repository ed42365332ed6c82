/**
 * Writes FlatBuffers tables on top of the `flatbuffers` npm Builder's public primitives, so the
 * two choices that decide a table's bytes are ours rather than the Builder's: the order fields
 * are added in (upstream's Python serializer adds them in declaration order; `flatc` adds them
 * largest first) and when a vtable is shared (some Python flatbuffers runtimes share one
 * whenever the field offsets match, even if the recorded table size differs). With the right
 * choices the writer reproduces upstream files byte for byte (docs/pte-format-notes.md).
 */

import type { Builder } from 'flatbuffers';

/** Order in which a table's fields are added to the buffer. */
export type FieldOrder =
  /** Declaration order, as the Python object API's `Pack` (upstream's serializer since 2026-03). */
  | 'declaration'
  /** 8-byte fields first, then 4, 2, 1; reverse declaration order within a size, as `flatc` does. */
  | 'by-size';

/** When a table reuses an earlier vtable instead of writing its own. */
export type VtableSharing =
  /** Only when the whole vtable, table size included, is identical (C++, JavaScript, flatc). */
  | 'identical'
  /** Whenever the field offsets match; the first such vtable wins (some Python runtimes). */
  | 'same-field-offsets';

/** One field of a table being written. `offset` fields are skipped when 0 (absent). */
export interface FieldValue {
  slot: number;
  type: 'int8' | 'int32' | 'int64' | 'float64' | 'offset';
  value: number | bigint;
}

const SIZES: Record<FieldValue['type'], number> = { int8: 1, int32: 4, int64: 8, float64: 8, offset: 4 };

function isDefault(field: FieldValue): boolean {
  // Scalars equal to the schema default (0 for every field etch writes) are left out, as every
  // FlatBuffers builder does by default; -0.0 is kept so its sign survives.
  return field.type === 'float64' ? Object.is(field.value, 0) : field.value === 0 || field.value === 0n;
}

/** Writes tables into one Builder, sharing vtables across them per the chosen policy. */
export class TableBuilder {
  private readonly vtables = new Map<string, number>();

  constructor(
    readonly builder: Builder,
    private readonly fieldOrder: FieldOrder = 'declaration',
    private readonly sharing: VtableSharing = 'identical',
  ) {}

  /** Writes a table with `fields` (in declaration order) and returns its offset. */
  table(fields: readonly FieldValue[]): number {
    const builder = this.builder;
    const objectStart = builder.offset();
    const ordered = this.fieldOrder === 'declaration' ? fields : [...fields].sort((left, right) => SIZES[right.type] - SIZES[left.type] || right.slot - left.slot);
    const positions: number[] = [];
    for (const field of ordered) {
      if (isDefault(field)) continue;
      switch (field.type) {
        case 'int8':
          builder.addInt8(field.value as number);
          break;
        case 'int32':
          builder.addInt32(field.value as number);
          break;
        case 'int64':
          builder.addInt64(field.value as bigint);
          break;
        case 'float64':
          builder.addFloat64(field.value as number);
          break;
        case 'offset':
          builder.addOffset(field.value as number);
          break;
      }
      positions[field.slot] = builder.offset();
    }
    builder.addInt32(0);
    const tableOffset = builder.offset();
    const fieldOffsets = Array.from({ length: positions.length }, (_, slot) => (positions[slot] === undefined ? 0 : tableOffset - positions[slot]!));
    const objectSize = tableOffset - objectStart;
    const key = (this.sharing === 'identical' ? [objectSize, ...fieldOffsets] : fieldOffsets).join(',');
    let vtable = this.vtables.get(key);
    if (vtable === undefined) {
      for (let slot = fieldOffsets.length - 1; slot >= 0; slot--) builder.addInt16(fieldOffsets[slot]!);
      builder.addInt16(objectSize);
      builder.addInt16((fieldOffsets.length + 2) * 2);
      vtable = builder.offset();
      this.vtables.set(key, vtable);
    }
    const buffer = builder.dataBuffer();
    buffer.writeInt32(buffer.capacity() - tableOffset, vtable - tableOffset);
    return tableOffset;
  }
}
