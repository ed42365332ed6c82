/**
 * First-fit placement of blocks in a region that grows on demand: offsets are 64-byte aligned,
 * freed blocks are coalesced and reused, and `highWater` is the size the placements need. The
 * runtime sizes a plan's arena with it; `WasmHeap` places blocks in a WebAssembly memory with it.
 */

const ALIGNMENT = 64;

export class OffsetAllocator {
  /** Free blocks below the high-water mark, sorted by offset and coalesced: [offset, bytes]. */
  private readonly free: [number, number][] = [];
  private readonly sizes = new Map<number, number>();
  private top = 0;

  /** Bytes needed for every block placed so far. */
  get highWater(): number {
    return this.top;
  }

  allocate(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGNMENT) * ALIGNMENT;
    for (let index = 0; index < this.free.length; index++) {
      const [offset, available] = this.free[index]!;
      if (available < size) continue;
      if (available === size) this.free.splice(index, 1);
      else this.free[index] = [offset + size, available - size];
      this.sizes.set(offset, size);
      return offset;
    }
    // Extend a free block that ends at the top instead of leaving it behind.
    const last = this.free[this.free.length - 1];
    const offset = last !== undefined && last[0] + last[1] === this.top ? this.free.pop()![0] : this.top;
    this.top = Math.max(this.top, offset + size);
    this.sizes.set(offset, size);
    return offset;
  }

  /** Bytes of the blocks currently placed. */
  allocatedBytes(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  release(offset: number): void {
    const size = this.sizes.get(offset);
    if (size === undefined) throw new Error(`OffsetAllocator: ${offset} is not an allocated block`);
    this.sizes.delete(offset);
    let index = 0;
    while (index < this.free.length && this.free[index]![0] < offset) index++;
    this.free.splice(index, 0, [offset, size]);
    const next = this.free[index + 1];
    if (next !== undefined && offset + size === next[0]) {
      this.free[index] = [offset, size + next[1]];
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous !== undefined && previous[0] + previous[1] === offset) {
      previous[1] += this.free[index]![1];
      this.free.splice(index, 1);
    }
  }
}
