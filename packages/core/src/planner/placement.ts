/**
 * Placement algorithms. `greedy` is best-fit by size, as ExecuTorch's greedy planner: largest
 * values first, each into the smallest gap left by the values already placed whose lifetimes
 * overlap it. `naive` gives every value its own bytes, for comparison.
 */

import type { PlannedValue } from './lifetimes.js';

export interface Placement {
  readonly key: string;
  readonly offset: number;
  readonly size: number;
}

export type PlacementAlgorithm = 'greedy' | 'naive';

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function overlaps(a: PlannedValue, b: PlannedValue): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function placeNaive(values: readonly PlannedValue[], alignment: number): Placement[] {
  let offset = 0;
  return values.map((v) => {
    const size = alignUp(v.bytes, alignment);
    const placement = { key: v.key, offset, size };
    offset += size;
    return placement;
  });
}

export function placeGreedy(values: readonly PlannedValue[], alignment: number): Placement[] {
  const order = [...values].sort((a, b) => b.bytes - a.bytes || a.first - b.first);
  const placed: { value: PlannedValue; offset: number; size: number }[] = [];
  const result = new Map<string, Placement>();
  for (const value of order) {
    const size = alignUp(value.bytes, alignment);
    const busy = placed.filter((p) => overlaps(p.value, value)).sort((a, b) => a.offset - b.offset);
    let best: number | undefined;
    let bestGap = Infinity;
    let cursor = 0;
    for (const p of busy) {
      const gap = p.offset - cursor;
      if (gap >= size && gap < bestGap) {
        best = cursor;
        bestGap = gap;
      }
      cursor = Math.max(cursor, p.offset + p.size);
    }
    const offset = best ?? cursor;
    placed.push({ value, offset, size });
    result.set(value.key, { key: value.key, offset, size });
  }
  return values.map((v) => result.get(v.key)!);
}
