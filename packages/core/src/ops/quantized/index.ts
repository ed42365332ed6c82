/**
 * The `quantized` operator group (see docs/architecture.md).
 */

import type { OperatorDefinition } from '../definition.js';

export function quantizedOperators(): OperatorDefinition[] {
  return [];
}
