/**
 * A FlatBuffers table reader for untrusted bytes. The `flatbuffers` npm runtime trusts its input
 * (a bad offset reads garbage or throws a RangeError), so `.pte` and `.ptd` files are decoded
 * with this instead: every uoffset, vtable, vector length, string and union tag is checked
 * against the buffer before use, and a work budget proportional to the buffer size stops files
 * whose offsets point many times at the same large table from taking unbounded time or memory.
 *
 * Errors are `PteFormatError`s whose `field` is the schema path being read
 * (`execution_plan[0].values[3].val`) and whose `offset` is the byte that was wrong.
 */

import { PteFormatError } from '../errors.js';

/** Limits applied while decoding one buffer. */
export interface FlatBufferReaderLimits {
  /**
   * Total decode work allowed, in units of one table, one vector element or one string;
   * by default twice the buffer length plus 4096. A file where every object is referenced
   * once never comes near it.
   */
  workBudget?: number;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes being decoded, the file name for messages, and the work left; hands out `Table`s. */
export class FlatBufferReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly source: string | undefined;
  /** Reads are confined to `[0, end)`; the rest of `bytes` (segment data) is not flatbuffer. */
  readonly end: number;
  private workLeft: number;
  private readonly verifyAlignment: boolean;

  constructor(bytes: Uint8Array, options: { source?: string; end?: number; limits?: FlatBufferReaderLimits; verifyAlignment?: boolean } = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.source = options.source;
    this.end = options.end ?? bytes.length;
    this.workLeft = options.limits?.workBudget ?? bytes.length * 2 + 4096;
    this.verifyAlignment = options.verifyAlignment ?? false;
  }

  /** A PteFormatError naming the file (when known), the field and the byte offset. */
  error(field: string, message: string, offset?: number): PteFormatError {
    const where = this.source ? `${this.source}: ` : '';
    return new PteFormatError(field, `${where}${message}`, {
      ...(offset === undefined ? {} : { offset }),
      hint: 'The file is truncated, corrupt or not an ExecuTorch program; re-export it or check that the whole file was copied.',
    });
  }

  /** Charges `units` of work; throws once the budget is spent. */
  spend(units: number, field: string, offset: number): void {
    this.workLeft -= units;
    if (this.workLeft < 0) {
      throw this.error(field, 'decoding needs far more work than the file size allows (offsets point repeatedly at the same data)', offset);
    }
  }

  /** Throws unless `[offset, offset + size)` lies inside the flatbuffer region. */
  check(offset: number, size: number, field: string): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.end) {
      throw this.error(field, `needs ${size} bytes at ${offset}, but the flatbuffer is ${this.end} bytes long`, offset);
    }
  }

  /** Bounds check plus, when verifying alignment, the FlatBuffers verifier's rule: a scalar's offset is a multiple of its size. */
  private checkScalar(offset: number, size: number, field: string): void {
    this.check(offset, size, field);
    if (this.verifyAlignment && offset % size !== 0) throw this.error(field, `${size}-byte value at ${offset} is not ${size}-byte aligned`, offset);
  }

  uint8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.view.getUint8(offset);
  }

  int8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.view.getInt8(offset);
  }

  uint16(offset: number, field: string): number {
    this.checkScalar(offset, 2, field);
    return this.view.getUint16(offset, true);
  }

  int32(offset: number, field: string): number {
    this.checkScalar(offset, 4, field);
    return this.view.getInt32(offset, true);
  }

  uint32(offset: number, field: string): number {
    this.checkScalar(offset, 4, field);
    return this.view.getUint32(offset, true);
  }

  int64(offset: number, field: string): bigint {
    this.checkScalar(offset, 8, field);
    return this.view.getBigInt64(offset, true);
  }

  uint64(offset: number, field: string): bigint {
    this.checkScalar(offset, 8, field);
    return this.view.getBigUint64(offset, true);
  }

  float64(offset: number, field: string): number {
    this.checkScalar(offset, 8, field);
    return this.view.getFloat64(offset, true);
  }

  /** Follows the uoffset stored at `offset` (relative to its own position). */
  follow(offset: number, field: string): number {
    const target = offset + this.uint32(offset, field);
    if (target >= this.end) throw this.error(field, `offset points to ${target}, past the end of the flatbuffer (${this.end})`, offset);
    return target;
  }

  /** The table whose start is at `position`, with its vtable validated. */
  table(position: number, field: string): Table {
    this.spend(1, field, position);
    const vtable = position - this.int32(position, field);
    if (vtable < 0 || vtable + 4 > this.end) {
      throw this.error(field, `vtable at ${vtable} is outside the flatbuffer`, position);
    }
    const vtableSize = this.uint16(vtable, `${field} (vtable size)`);
    const objectSize = this.uint16(vtable + 2, `${field} (table size)`);
    if (vtableSize < 4 || vtableSize % 2 !== 0) {
      throw this.error(field, `vtable size ${vtableSize} is not an even number ≥ 4`, vtable);
    }
    this.check(vtable, vtableSize, `${field} (vtable)`);
    if (objectSize < 4) throw this.error(field, `table size ${objectSize} is smaller than its vtable offset`, vtable + 2);
    this.check(position, objectSize, field);
    return new Table(this, position, vtable, vtableSize, field);
  }

  /** The root table: uoffset at byte 0. */
  root(field: string): Table {
    return this.table(this.follow(0, `${field} (root offset)`), field);
  }
}

/** One table: field lookups through its vtable, each checked against the table's extent. */
export class Table {
  constructor(
    readonly reader: FlatBufferReader,
    readonly position: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    /** Schema path of this table, for messages. */
    readonly path: string,
  ) {}

  /** Absolute position of slot `slot`'s value, or 0 when the field is absent. */
  private field(slot: number, size: number, name: string): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const relative = this.reader.uint16(this.vtable + entry, `${this.path}.${name}`);
    if (relative === 0) return 0;
    // Like the FlatBuffers verifier, only the buffer bounds are enforced, not the table size the
    // vtable records: flatc 2.x writes sizes that stop short of a trailing 8-byte field.
    if (relative < 4) {
      throw this.reader.error(`${this.path}.${name}`, `field offset ${relative} points into the table's vtable offset`, this.vtable + entry);
    }
    this.reader.check(this.position + relative, size, `${this.path}.${name}`);
    return this.position + relative;
  }

  has(slot: number): boolean {
    const entry = 4 + 2 * slot;
    return entry + 2 <= this.vtableSize && this.reader.uint16(this.vtable + entry, this.path) !== 0;
  }

  uint8(slot: number, name: string, fallback = 0): number {
    const at = this.field(slot, 1, name);
    return at ? this.reader.uint8(at, `${this.path}.${name}`) : fallback;
  }

  int8(slot: number, name: string, fallback = 0): number {
    const at = this.field(slot, 1, name);
    return at ? this.reader.int8(at, `${this.path}.${name}`) : fallback;
  }

  bool(slot: number, name: string): boolean {
    return this.uint8(slot, name) !== 0;
  }

  int32(slot: number, name: string, fallback = 0): number {
    const at = this.field(slot, 4, name);
    return at ? this.reader.int32(at, `${this.path}.${name}`) : fallback;
  }

  uint32(slot: number, name: string, fallback = 0): number {
    const at = this.field(slot, 4, name);
    return at ? this.reader.uint32(at, `${this.path}.${name}`) : fallback;
  }

  int64(slot: number, name: string): bigint {
    const at = this.field(slot, 8, name);
    return at ? this.reader.int64(at, `${this.path}.${name}`) : 0n;
  }

  /** A uint64 that must fit a JavaScript number exactly (sizes and offsets). */
  uint64Number(slot: number, name: string): number {
    const at = this.field(slot, 8, name);
    if (!at) return 0;
    const value = this.reader.uint64(at, `${this.path}.${name}`);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.reader.error(`${this.path}.${name}`, `value ${value} does not fit in 2^53`, at);
    }
    return Number(value);
  }

  float64(slot: number, name: string): number {
    const at = this.field(slot, 8, name);
    return at ? this.reader.float64(at, `${this.path}.${name}`) : 0;
  }

  /** Position of the referenced object, or 0 when absent. */
  private reference(slot: number, name: string): number {
    const at = this.field(slot, 4, name);
    return at ? this.reader.follow(at, `${this.path}.${name}`) : 0;
  }

  table(slot: number, name: string): Table | null {
    const target = this.reference(slot, name);
    return target ? this.reader.table(target, `${this.path}.${name}`) : null;
  }

  string(slot: number, name: string): string | null {
    const bytes = this.byteString(slot, name);
    if (bytes === null) return null;
    try {
      return UTF8.decode(bytes);
    } catch (cause) {
      throw this.reader.error(`${this.path}.${name}`, `string is not valid UTF-8 (${String(cause)})`);
    }
  }

  private byteString(slot: number, name: string): Uint8Array | null {
    const target = this.reference(slot, name);
    if (!target) return null;
    const field = `${this.path}.${name}`;
    const length = this.reader.uint32(target, field);
    this.reader.check(target + 4, length, field);
    this.reader.spend(1 + (length >>> 6), field, target);
    return this.reader.bytes.subarray(target + 4, target + 4 + length);
  }

  /** Vector header: `{ start, length }` of its elements, or null when absent. */
  vector(slot: number, name: string, elementSize: number): { start: number; length: number } | null {
    const target = this.reference(slot, name);
    if (!target) return null;
    const field = `${this.path}.${name}`;
    const length = this.reader.uint32(target, field);
    if (length * elementSize > this.reader.end - target - 4) {
      throw this.reader.error(field, `vector of ${length} × ${elementSize}-byte elements overruns the flatbuffer`, target);
    }
    return { start: target + 4, length };
  }

  /** A `[ubyte]` vector as a zero-copy view of the input, or null when absent. */
  bytes(slot: number, name: string): Uint8Array | null {
    const vector = this.vector(slot, name, 1);
    if (!vector) return null;
    this.reader.spend(1, `${this.path}.${name}`, vector.start);
    return this.reader.bytes.subarray(vector.start, vector.start + vector.length);
  }

  /** Reads a scalar vector element by element with `read(position, index)`. */
  private scalars<T>(slot: number, name: string, elementSize: number, read: (position: number, field: string) => T): T[] | null {
    const vector = this.vector(slot, name, elementSize);
    if (!vector) return null;
    const field = `${this.path}.${name}`;
    this.reader.spend(vector.length, field, vector.start);
    const result = new Array<T>(vector.length);
    for (let index = 0; index < vector.length; index++) result[index] = read(vector.start + index * elementSize, field);
    return result;
  }

  int32s(slot: number, name: string): number[] | null {
    return this.scalars(slot, name, 4, (at, field) => this.reader.int32(at, field));
  }

  uint8s(slot: number, name: string): number[] | null {
    return this.scalars(slot, name, 1, (at, field) => this.reader.uint8(at, field));
  }

  bools(slot: number, name: string): boolean[] | null {
    return this.scalars(slot, name, 1, (at, field) => this.reader.uint8(at, field) !== 0);
  }

  int64s(slot: number, name: string): bigint[] | null {
    return this.scalars(slot, name, 8, (at, field) => this.reader.int64(at, field));
  }

  float64s(slot: number, name: string): number[] | null {
    return this.scalars(slot, name, 8, (at, field) => this.reader.float64(at, field));
  }

  /** An int64/uint64 vector whose entries must be non-negative and below 2^53. */
  sizes64(slot: number, name: string): number[] | null {
    return this.scalars(slot, name, 8, (at, field) => {
      const value = this.reader.int64(at, field);
      if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw this.reader.error(field, `size ${value} is negative or does not fit in 2^53`, at);
      }
      return Number(value);
    });
  }

  /** A vector of tables, each decoded with `decode(table, index)`. */
  tables<T>(slot: number, name: string, decode: (table: Table, index: number) => T): T[] | null {
    const vector = this.vector(slot, name, 4);
    if (!vector) return null;
    this.reader.spend(vector.length, `${this.path}.${name}`, vector.start);
    const result = new Array<T>(vector.length);
    for (let index = 0; index < vector.length; index++) {
      const field = `${this.path}.${name}[${index}]`;
      const target = this.reader.follow(vector.start + index * 4, field);
      result[index] = decode(this.reader.table(target, field), index);
    }
    return result;
  }
}
