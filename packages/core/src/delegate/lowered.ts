/**
 * What a delegated subgraph becomes after lowering: carried on the `etch::call_delegate` node
 * (`node.meta.delegate`) until the emitter writes it as a BackendDelegate.
 */

import type { Node } from '../ir/graph.js';
import type { ExportedProgram } from '../ir/program.js';
import type { BackendId } from './backend-id.js';
import type { LoweredPayload } from './definition.js';

export interface LoweredDelegate {
  readonly backendId: BackendId;
  /** The subgraph the payload implements (the reference evaluator runs this). */
  readonly subgraph: ExportedProgram;
  readonly payload: LoweredPayload;
}

export function loweredDelegateOf(node: Node): LoweredDelegate | undefined {
  return node.meta['delegate'] as LoweredDelegate | undefined;
}
