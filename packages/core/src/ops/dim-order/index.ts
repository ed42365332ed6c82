/**
 * The `dim-order` operator group (see docs/architecture.md).
 */

import type { OperatorDefinition } from '../definition.js';

export function dimOrderOperators(): OperatorDefinition[] {
  return [];
}
