/**
 * A recipe names a way to build a `.pte`: passes to run first (quantization), delegates to hand
 * subgraphs to, and operators those need. Core ships `portable`; delegate packages export their
 * own recipes (`xnnpack`, `xnnpack_q8`, …), and callers pass them in — there is no global list.
 */

import { InvalidArgumentError } from '../errors.js';
import type { DelegateUse } from '../delegate/apply-delegate.js';
import type { OperatorDefinition } from '../ops/definition.js';
import type { Pass } from '../passes/pass.js';

export interface Recipe {
  readonly name: string;
  /** One line for `etch export --list-recipes`. */
  readonly description: string;
  /** Passes run before partitioning, e.g. quantization. */
  readonly passes?: readonly Pass[];
  readonly delegates?: readonly DelegateUse[];
  readonly operators?: () => readonly OperatorDefinition[];
}

export const portableRecipe: Recipe = {
  name: 'portable',
  description: 'fp32, portable kernels only: runs on every ExecuTorch build, no delegate',
};

/** The recipe object for a name, looked up among `portable` and the caller's recipes. */
export function resolveRecipe(recipe: string | Recipe | undefined, recipes: readonly Recipe[] = []): Recipe {
  if (recipe === undefined) return portableRecipe;
  if (typeof recipe !== 'string') return recipe;
  const known = [portableRecipe, ...recipes];
  const found = known.find((r) => r.name === recipe);
  if (found) return found;
  throw new InvalidArgumentError(
    'recipe',
    `unknown recipe '${recipe}'; known: ${known.map((r) => r.name).join(', ')}`,
    { hint: "delegate packages export their recipes (e.g. xnnpackRecipes() from '@etch/delegate-xnnpack'); pass them as options.recipes" },
  );
}
