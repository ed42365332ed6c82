/**
 * The `etch::` operators: etch's own bookkeeping operators that appear in lowered graphs.
 */

import type { OperatorDefinition } from '../definition.js';
import { delegateOperators } from './delegate.js';
import { memoryOperators } from './memory.js';

export function etchOperators(): OperatorDefinition[] {
  return [...memoryOperators(), ...delegateOperators()];
}

export { CALL_DELEGATE, CALL_DELEGATE_OUT } from './delegate.js';
export { ALLOC } from './memory.js';
