/**
 * The `prim` operator group (see docs/architecture.md).
 */

import type { OperatorDefinition } from '../definition.js';

export function primOperators(): OperatorDefinition[] {
  return [];
}
