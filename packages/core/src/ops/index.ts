/**
 * The operators core defines, grouped by namespace. `coreOperators()` returns all of them for a
 * registry; nothing is registered globally.
 */

import { atenOperators } from './aten/index.js';
import type { OperatorDefinition } from './definition.js';
import { dimOrderOperators } from './dim-order/index.js';
import { etchOperators } from './etch/index.js';
import { llamaOperators } from './llama/index.js';
import { primOperators } from './prim/index.js';
import { quantizedOperators } from './quantized/index.js';

export function coreOperators(): OperatorDefinition[] {
  return [...atenOperators(), ...primOperators(), ...dimOrderOperators(), ...llamaOperators(), ...quantizedOperators(), ...etchOperators()];
}

export * from './definition.js';
export { ALLOC, CALL_DELEGATE, CALL_DELEGATE_OUT } from './etch/index.js';
export * from './meta-args.js';
export * from './registry.js';
export * from './runtime-args.js';
export * from './runtime-value.js';
export * from './schema.js';
export * from './shape-rules.js';
