import { describe, expect, it } from 'vitest';
import { WasmHeap } from './wasm-heap.js';

describe('WasmHeap', () => {
  it('allocates aligned, non-overlapping blocks and grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 100);
    const first = heap.allocate(10);
    const second = heap.allocate(70000);
    expect(first % 64).toBe(0);
    expect(first).toBeGreaterThanOrEqual(100);
    expect(second).toBeGreaterThanOrEqual(first + 10);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(second + 70000);
  });

  it('reuses and coalesces released blocks', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new WasmHeap(memory, 0);
    const a = heap.allocate(64);
    const b = heap.allocate(64);
    const c = heap.allocate(64);
    heap.allocate(64);
    heap.release(a);
    heap.release(b);
    expect(heap.allocate(128)).toBe(a);
    heap.release(c);
    expect(heap.allocate(64)).toBe(c);
    expect(heap.allocatedBytes()).toBe(256);
    expect(() => heap.release(a + 1)).toThrow(/not an allocated block/);
  });
});
