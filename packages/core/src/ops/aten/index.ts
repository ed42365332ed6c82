/**
 * The `aten::` operators core defines: functional forms used by graph builders, and the out and
 * in-place variants ExecuTorch's portable kernel library registers.
 */

import type { OperatorDefinition } from '../definition.js';
import { arithmeticOperators } from './arithmetic.js';
import { attentionOperators } from './attention.js';
import { symbolicOperators } from './symbolic.js';

export function atenOperators(): OperatorDefinition[] {
  return [...arithmeticOperators(), ...attentionOperators(), ...symbolicOperators()];
}
