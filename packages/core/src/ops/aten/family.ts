/**
 * Operator families whose out variant drops the functional form's TensorOptions arguments
 * (`full` → `full.out(size, fill_value, *, out)`, `_to_copy` → `_to_copy.out`): the two halves are
 * declared separately and linked by the out variant's key, since `defineOperator` requires the out
 * schema to extend the functional one.
 */

import { type OperatorDefinition, type OperatorFamilySpec, defineOperator } from '../definition.js';
import { parseSchema, schemaKey } from '../schema.js';

/** A functional operator and its out variant, whose arguments the `.out` conversion matches by name. */
export function defineLooseFamily(spec: OperatorFamilySpec & { functional: string; out: string }): OperatorDefinition[] {
  const [functional] = defineOperator({ functional: spec.functional, infer: spec.infer, compute: spec.compute });
  return [{ ...functional!, outVariant: schemaKey(parseSchema(spec.out)) }, ...defineOperator({ out: spec.out, infer: spec.infer, compute: spec.compute })];
}
