/**
 * A first-fit allocator over a WebAssembly memory, run from the host: the kernel module never
 * allocates, so prepared weights and scratch buffers are placed here, and the memory grows when
 * they do not fit. Growing detaches earlier views of `memory.buffer`, so callers take views
 * after allocating.
 */

const PAGE_BYTES = 65536;
const ALIGNMENT = 64;

function alignUp(value: number): number {
  return Math.ceil(value / ALIGNMENT) * ALIGNMENT;
}

/** A memory that grows by 64 KiB pages, replacing its buffer: `WebAssembly.Memory` or `HostMemory`. */
export interface GrowableMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A `GrowableMemory` of plain ArrayBuffers, for kernels that run without WebAssembly. */
export class HostMemory implements GrowableMemory {
  buffer = new ArrayBuffer(PAGE_BYTES);

  grow(pages: number): number {
    const previous = this.buffer.byteLength / PAGE_BYTES;
    const grown = new ArrayBuffer(this.buffer.byteLength + pages * PAGE_BYTES);
    new Uint8Array(grown).set(new Uint8Array(this.buffer));
    this.buffer = grown;
    return previous;
  }
}

/** Host-side allocator for a WebAssembly memory; addresses are byte offsets, 64-byte aligned. */
export class WasmHeap {
  private readonly memory: GrowableMemory;
  private top: number;
  /** Free blocks, sorted by address and coalesced: [address, bytes]. */
  private free: [number, number][] = [];
  private readonly sizes = new Map<number, number>();

  /** Manages `memory` from `base` (the module's first unused address) upwards. */
  constructor(memory: GrowableMemory, base: number) {
    this.memory = memory;
    this.top = alignUp(base);
  }

  /** Reserves `bytes` bytes (contents unspecified) and returns their address. */
  allocate(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    for (let index = 0; index < this.free.length; index++) {
      const [address, available] = this.free[index]!;
      if (available < size) continue;
      if (available === size) this.free.splice(index, 1);
      else this.free[index] = [address + size, available - size];
      this.sizes.set(address, size);
      return address;
    }
    const address = this.top;
    const end = address + size;
    const missing = end - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE_BYTES));
    this.top = end;
    this.sizes.set(address, size);
    return address;
  }

  /** Returns a block from `allocate` to the free list. */
  release(address: number): void {
    const size = this.sizes.get(address);
    if (size === undefined) throw new Error(`WasmHeap: ${address} is not an allocated block`);
    this.sizes.delete(address);
    let index = 0;
    while (index < this.free.length && this.free[index]![0] < address) index++;
    this.free.splice(index, 0, [address, size]);
    const next = this.free[index + 1];
    if (next !== undefined && address + size === next[0]) {
      this.free[index] = [address, size + next[1]];
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous !== undefined && previous[0] + previous[1] === address) {
      previous[1] += this.free[index]![1];
      this.free.splice(index, 1);
    }
    const last = this.free[this.free.length - 1];
    if (last !== undefined && last[0] + last[1] === this.top) {
      this.top = last[0];
      this.free.pop();
    }
  }

  /** Bytes currently allocated. */
  allocatedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }
}
