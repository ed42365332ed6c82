import { describe, expect, it } from 'vitest';
import { OffsetAllocator } from './offset-allocator.js';

describe('OffsetAllocator', () => {
  it('reuses freed blocks and reports the arena size the placements need', () => {
    const arena = new OffsetAllocator();
    const a = arena.allocate(100);
    const b = arena.allocate(64);
    expect([a, b]).toEqual([0, 128]);
    arena.release(a);
    expect(arena.allocate(60)).toBe(0);
    expect(arena.allocate(64)).toBe(64);
    expect(arena.highWater).toBe(192);
  });

  it('coalesces neighbours and grows a free block at the top instead of leaving it', () => {
    const arena = new OffsetAllocator();
    const [a, b, c] = [arena.allocate(64), arena.allocate(64), arena.allocate(64)];
    arena.release(a);
    arena.release(c);
    arena.release(b);
    expect(arena.allocate(192)).toBe(0);
    arena.release(0);
    expect(arena.allocate(256)).toBe(0);
    expect(arena.highWater).toBe(256);
  });

  it('never places live blocks over each other', () => {
    const arena = new OffsetAllocator();
    const live = new Map<number, number>();
    let state = 7;
    for (let step = 0; step < 500; step++) {
      state = (state * 48271) % 2147483647;
      if (live.size > 0 && state % 3 === 0) {
        const offset = [...live.keys()][state % live.size]!;
        arena.release(offset);
        live.delete(offset);
      } else {
        const bytes = 1 + (state % 1000);
        const offset = arena.allocate(bytes);
        for (const [other, size] of live) expect(offset + bytes <= other || other + size <= offset).toBe(true);
        live.set(offset, bytes);
      }
    }
  });
});
