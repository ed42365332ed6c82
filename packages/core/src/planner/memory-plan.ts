/**
 * Plans one arena for a method: which bytes each tensor uses, how large the arena must be, and
 * the lower bound no plan can beat (the most bytes simultaneously live). Every plan is verified:
 * two values whose lifetimes overlap never share a byte.
 */

import { ExecutionError } from '../errors.js';
import type { ExportedProgram } from '../ir/program.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { type LifetimeOptions, type PlannedValue, analyzeLifetimes } from './lifetimes.js';
import { type Placement, type PlacementAlgorithm, alignUp, placeGreedy, placeNaive } from './placement.js';

export interface MemoryPlanOptions extends LifetimeOptions {
  /** Byte alignment of every tensor (ExecuTorch uses 16). */
  readonly alignment?: number;
  /** `best` tries both algorithms and keeps the smaller arena, as ExecuTorch does. */
  readonly algorithm?: PlacementAlgorithm | 'best';
}

export interface MemoryPlan {
  readonly algorithm: PlacementAlgorithm;
  readonly arenaBytes: number;
  /** Peak bytes simultaneously live (aligned sizes): no plan can use less. */
  readonly lowerBound: number;
  readonly values: readonly PlannedValue[];
  /** Placement of each storage root, by value key. */
  readonly placements: ReadonlyMap<string, Placement>;
  /** Storage root key of every tensor value. */
  readonly rootOf: ReadonlyMap<string, string>;
}

export function lowerBoundBytes(values: readonly PlannedValue[], length: number, alignment: number): number {
  const delta = new Float64Array(length + 1);
  for (const v of values) {
    const size = alignUp(v.bytes, alignment);
    delta[v.first] += size;
    delta[v.last + 1] -= size;
  }
  let live = 0;
  let peak = 0;
  for (let i = 0; i < length; i++) {
    live += delta[i]!;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** Throws if two values with overlapping lifetimes share bytes, or a value leaves the arena. */
export function verifyPlacements(values: readonly PlannedValue[], placements: ReadonlyMap<string, Placement>, arenaBytes: number): void {
  const items = values.map((v) => ({ v, p: placements.get(v.key)! })).sort((a, b) => a.p.offset - b.p.offset);
  for (const { v, p } of items) {
    if (!p) throw new ExecutionError(`memory plan has no placement for ${v.key}`);
    if (p.offset < 0 || p.offset + p.size > arenaBytes) throw new ExecutionError(`memory plan puts ${v.key} outside the arena`);
  }
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    for (let j = i + 1; j < items.length; j++) {
      const b = items[j]!;
      if (b.p.offset >= a.p.offset + a.p.size) break;
      if (b.p.size > 0 && a.p.size > 0 && a.v.first <= b.v.last && b.v.first <= a.v.last) {
        throw new ExecutionError(`memory plan overlaps live values ${a.v.key} and ${b.v.key}`);
      }
    }
  }
}

export function planMemory(program: ExportedProgram, registry: OperatorRegistry, options: MemoryPlanOptions = {}): MemoryPlan {
  const alignment = options.alignment ?? 16;
  const analysis = analyzeLifetimes(program, registry, options);
  const candidates: { algorithm: PlacementAlgorithm; placements: Placement[] }[] = [];
  const algorithm = options.algorithm ?? 'best';
  if (algorithm !== 'naive') candidates.push({ algorithm: 'greedy', placements: placeGreedy(analysis.values, alignment) });
  if (algorithm !== 'greedy') candidates.push({ algorithm: 'naive', placements: placeNaive(analysis.values, alignment) });
  const sized = candidates.map((c) => ({ ...c, arena: c.placements.reduce((m, p) => Math.max(m, p.offset + p.size), 0) }));
  const chosen = sized.reduce((best, c) => (c.arena < best.arena ? c : best));
  const placements = new Map(chosen.placements.map((p) => [p.key, p]));
  verifyPlacements(analysis.values, placements, chosen.arena);
  return {
    algorithm: chosen.algorithm,
    arenaBytes: chosen.arena,
    lowerBound: lowerBoundBytes(analysis.values, analysis.length, alignment),
    values: analysis.values,
    placements,
    rootOf: analysis.rootOf,
  };
}
