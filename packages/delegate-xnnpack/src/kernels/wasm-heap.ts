/**
 * A first-fit allocator over a WebAssembly memory, run from the host: the kernel module never
 * allocates, so prepared weights and scratch buffers are placed here, and the memory grows when
 * they do not fit. Growing detaches earlier views of `memory.buffer`, so callers take views
 * after allocating.
 */

import { OffsetAllocator } from './offset-allocator.js';

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
  private readonly base: number;
  private readonly blocks = new OffsetAllocator();

  /** Manages `memory` from `base` (the module's first unused address) upwards. */
  constructor(memory: GrowableMemory, base: number) {
    this.memory = memory;
    this.base = alignUp(base);
  }

  /** Reserves `bytes` bytes (contents unspecified) and returns their address. */
  allocate(bytes: number): number {
    const address = this.base + this.blocks.allocate(bytes);
    const missing = this.base + this.blocks.highWater - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return address;
  }

  /** Returns a block from `allocate` to the free list. */
  release(address: number): void {
    try {
      this.blocks.release(address - this.base);
    } catch {
      throw new Error(`WasmHeap: ${address} is not an allocated block`);
    }
  }

  /** Bytes currently allocated. */
  allocatedBytes(): number {
    return this.blocks.allocatedBytes();
  }
}
