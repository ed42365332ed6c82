/**
 * A bounds-checked reader of flatbuffer tables. The flatbuffers runtime trusts its input; a
 * delegate payload comes from a file, so every offset, vtable and vector here is checked against
 * the buffer before it is read, and failures are `PteFormatError`s naming the field and byte.
 * Unsigned offsets only point forward, so no walk through a malformed buffer can loop.
 */

import { PteFormatError } from '@etch/core';

/** A table inside a checked buffer. */
export class TableView {
  constructor(
    private readonly buffer: FlatbufferView,
    /** Absolute byte position of the table. */
    readonly position: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    /** Dotted path of the table, for errors (`xnodes[3].xnode_union`). */
    readonly path: string,
  ) {}

  /** Absolute position of field `slot`, or undefined when the field is absent. */
  private fieldPosition(slot: number, name: string, width: number): number | undefined {
    const entry = 4 + slot * 2;
    if (entry + 2 > this.vtableSize) return undefined;
    const offset = this.buffer.data.getUint16(this.vtable + entry, true);
    if (offset === 0) return undefined;
    const position = this.position + offset;
    this.buffer.check(position, width, `${this.path}.${name}`);
    return position;
  }

  has(slot: number): boolean {
    const entry = 4 + slot * 2;
    return entry + 2 <= this.vtableSize && this.buffer.data.getUint16(this.vtable + entry, true) !== 0;
  }

  uint32(slot: number, name: string, fallback = 0): number {
    const at = this.fieldPosition(slot, name, 4);
    return at === undefined ? fallback : this.buffer.data.getUint32(at, true);
  }

  int32(slot: number, name: string, fallback = 0): number {
    const at = this.fieldPosition(slot, name, 4);
    return at === undefined ? fallback : this.buffer.data.getInt32(at, true);
  }

  int16(slot: number, name: string, fallback = 0): number {
    const at = this.fieldPosition(slot, name, 2);
    return at === undefined ? fallback : this.buffer.data.getInt16(at, true);
  }

  uint8(slot: number, name: string, fallback = 0): number {
    const at = this.fieldPosition(slot, name, 1);
    return at === undefined ? fallback : this.buffer.data.getUint8(at);
  }

  float32(slot: number, name: string, fallback = 0): number {
    const at = this.fieldPosition(slot, name, 4);
    return at === undefined ? fallback : this.buffer.data.getFloat32(at, true);
  }

  uint64(slot: number, name: string, fallback = 0n): bigint {
    const at = this.fieldPosition(slot, name, 8);
    return at === undefined ? fallback : this.buffer.data.getBigUint64(at, true);
  }

  /** The position the offset field at `slot` points to, checked to leave room for `width` bytes. */
  private target(slot: number, name: string, width: number): number | undefined {
    const at = this.fieldPosition(slot, name, 4);
    if (at === undefined) return undefined;
    const target = at + this.buffer.data.getUint32(at, true);
    this.buffer.check(target, width, `${this.path}.${name}`);
    return target;
  }

  table(slot: number, name: string): TableView | undefined {
    const target = this.target(slot, name, 4);
    return target === undefined ? undefined : this.buffer.tableAt(target, `${this.path}.${name}`);
  }

  string(slot: number, name: string): string | undefined {
    const bytes = this.vectorBytes(slot, name, 1);
    return bytes === undefined ? undefined : new TextDecoder('utf-8', { fatal: false }).decode(bytes.view);
  }

  /** A vector of 32-bit unsigned integers (absent: empty). */
  uint32Vector(slot: number, name: string): number[] {
    const bytes = this.vectorBytes(slot, name, 4);
    if (!bytes) return [];
    return Array.from({ length: bytes.length }, (_, i) => this.buffer.data.getUint32(bytes.start + i * 4, true));
  }

  /** A vector of 32-bit floats (absent: empty). */
  float32Vector(slot: number, name: string): number[] {
    const bytes = this.vectorBytes(slot, name, 4);
    if (!bytes) return [];
    return Array.from({ length: bytes.length }, (_, i) => this.buffer.data.getFloat32(bytes.start + i * 4, true));
  }

  /** A vector of tables (absent: empty). */
  tableVector(slot: number, name: string): TableView[] {
    const bytes = this.vectorBytes(slot, name, 4);
    if (!bytes) return [];
    return Array.from({ length: bytes.length }, (_, i) => {
      const element = bytes.start + i * 4;
      const target = element + this.buffer.data.getUint32(element, true);
      return this.buffer.tableAt(target, `${this.path}.${name}[${i}]`);
    });
  }

  private vectorBytes(slot: number, name: string, elementSize: number): { start: number; length: number; view: Uint8Array } | undefined {
    const start = this.target(slot, name, 4);
    if (start === undefined) return undefined;
    const length = this.buffer.data.getUint32(start, true);
    this.buffer.check(start + 4, length * elementSize, `${this.path}.${name}`);
    return { start: start + 4, length, view: this.buffer.bytes.subarray(start + 4, start + 4 + length * elementSize) };
  }
}

/** A flatbuffer whose root table and everything reached from it is read with bounds checks. */
export class FlatbufferView {
  readonly data: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** Name of the buffer for errors (`XNNPACK payload`). */
    private readonly name: string,
    /** Absolute position of `bytes` in the enclosing payload, added to error offsets. */
    private readonly base = 0,
  ) {
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The 4-character file identifier, or undefined when the buffer is too short. */
  identifier(): string | undefined {
    if (this.bytes.length < 8) return undefined;
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  root(): TableView {
    this.check(0, 4, 'root offset');
    return this.tableAt(this.data.getUint32(0, true), 'root');
  }

  /** Throws unless `[position, position + size)` lies inside the buffer. */
  check(position: number, size: number, field: string): void {
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(size) || position < 0 || size < 0 || position + size > this.bytes.length) {
      throw new PteFormatError(`${this.name} ${field}`, `needs ${size} bytes at ${position}, but the flatbuffer has ${this.bytes.length}`, {
        offset: this.base + position,
      });
    }
  }

  tableAt(position: number, path: string): TableView {
    this.check(position, 4, path);
    if (position % 4 !== 0) throw new PteFormatError(`${this.name} ${path}`, 'table is not 4-byte aligned', { offset: this.base + position });
    const vtable = position - this.data.getInt32(position, true);
    this.check(vtable, 4, `${path} vtable`);
    const vtableSize = this.data.getUint16(vtable, true);
    const tableSize = this.data.getUint16(vtable + 2, true);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new PteFormatError(`${this.name} ${path} vtable`, `invalid vtable size ${vtableSize}`, { offset: this.base + vtable });
    this.check(vtable, vtableSize, `${path} vtable`);
    this.check(position, tableSize, path);
    return new TableView(this, position, vtable, vtableSize, path);
  }
}
