/**
 * The `llama` operator group (see docs/architecture.md).
 */

import type { OperatorDefinition } from '../definition.js';

export function llamaOperators(): OperatorDefinition[] {
  return [];
}
