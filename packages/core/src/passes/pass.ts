/**
 * A pass transforms a program into a new one. Passes are plain objects with a name, so the pass
 * manager can say which pass failed and which ran before it (as ExecuTorch's does), and so a
 * pipeline is data a caller can inspect or extend.
 */

import type { ExportedProgram } from '../ir/program.js';
import type { OperatorRegistry } from '../ops/registry.js';

export interface PassContext {
  readonly registry: OperatorRegistry;
}

export interface Pass {
  readonly name: string;
  run(program: ExportedProgram, context: PassContext): ExportedProgram;
}
