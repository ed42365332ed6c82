/**
 * The operators core defines, grouped by concern. `coreOperators()` returns all of them for a
 * registry; nothing is registered globally.
 */

import type { OperatorDefinition } from './definition.js';
import { arithmeticOperators } from './aten/arithmetic.js';

export function coreOperators(): OperatorDefinition[] {
  return [...arithmeticOperators()];
}

export * from './definition.js';
export * from './meta-args.js';
export * from './registry.js';
export * from './runtime-args.js';
export * from './runtime-value.js';
export * from './schema.js';
export * from './shape-rules.js';
