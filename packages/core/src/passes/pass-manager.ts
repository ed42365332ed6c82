/**
 * Runs passes in order. A failure is rethrown as `PassError` naming the failing pass and the
 * passes that completed before it, so "lowering failed" always says where.
 */

import { PassError } from '../errors.js';
import type { ExportedProgram } from '../ir/program.js';
import type { Pass, PassContext } from './pass.js';

export interface PassRunRecord {
  readonly pass: string;
  readonly milliseconds: number;
  readonly nodesBefore: number;
  readonly nodesAfter: number;
}

export interface PassManagerResult {
  readonly program: ExportedProgram;
  readonly records: readonly PassRunRecord[];
}

export function runPasses(program: ExportedProgram, passes: readonly Pass[], context: PassContext): PassManagerResult {
  const records: PassRunRecord[] = [];
  let current = program;
  for (const pass of passes) {
    const start = performance.now();
    const nodesBefore = current.graph.nodes.length;
    try {
      current = pass.run(current, context);
    } catch (error) {
      throw new PassError(pass.name, records.map((r) => r.pass), error);
    }
    records.push({ pass: pass.name, milliseconds: performance.now() - start, nodesBefore, nodesAfter: current.graph.nodes.length });
  }
  return { program: current, records };
}
