/**
 * `etch::call_delegate` stands for a subgraph a delegate has taken over. Partitioning replaces
 * the tagged nodes with one of these (its outputs copied from the subgraph's), the `.out`
 * conversion gives it planned out tensors, and the emitter turns it into a DelegateCall. The
 * lowered subgraph travels in the node's `meta.delegate`, which is also how the reference
 * evaluator runs it.
 */

import { ExecutionError } from '../../errors.js';
import { type OperatorDefinition, defineCustomOperator } from '../definition.js';

export const CALL_DELEGATE = 'etch::call_delegate';
export const CALL_DELEGATE_OUT = 'etch::call_delegate.out';

function notDirectly(): never {
  throw new ExecutionError('etch::call_delegate runs through its lowered subgraph (node meta.delegate), not by itself');
}

export function delegateOperators(): OperatorDefinition[] {
  return [
    defineCustomOperator('etch::call_delegate(Tensor[] inputs) -> Tensor[]', 'functional', {
      outVariant: CALL_DELEGATE_OUT,
      inferMeta: notDirectly,
      evaluate: notDirectly,
    }),
    defineCustomOperator('etch::call_delegate.out(Tensor[] inputs, *, Tensor(a!)[] out) -> ()', 'out', {
      inferMeta: notDirectly,
      evaluate: notDirectly,
    }),
  ];
}
