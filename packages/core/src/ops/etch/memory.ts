/**
 * `etch::alloc` makes the memory of an out tensor explicit after the `.out` conversion: the
 * memory planner places every alloc in an arena and the emitter turns it into a planned Tensor
 * EValue. Evaluating one simply allocates zeros, so converted graphs stay runnable by the
 * reference evaluator.
 */

import { tensorMeta } from '../../ir/meta.js';
import { Tensor } from '../../kernels/tensor.js';
import { type OperatorDefinition, defineCustomOperator } from '../definition.js';

export const ALLOC = 'etch::alloc';

export function memoryOperators(): OperatorDefinition[] {
  return [
    defineCustomOperator('etch::alloc(ScalarType dtype, SymInt[] size) -> Tensor', 'functional', {
      inferMeta: (args) => [tensorMeta(args.dtype('dtype'), args.dims('size'))],
      evaluate: (args) => [Tensor.zeros(args.optionalDtype('dtype')!, args.ints('size'))],
    }),
  ];
}
