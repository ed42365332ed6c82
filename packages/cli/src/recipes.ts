/**
 * The recipes the CLI knows: core's `portable` plus every recipe the delegate packages it ships
 * with export. The list is built here, explicitly; nothing registers itself.
 */

import { type Recipe, portableRecipe } from '@etch/core';
import { xnnpackRecipes } from '@etch/delegate-xnnpack';

export function availableRecipes(): Recipe[] {
  return [portableRecipe, ...xnnpackRecipes()];
}

export function describeRecipes(recipes: readonly Recipe[]): string {
  const width = Math.max(...recipes.map((recipe) => recipe.name.length));
  return recipes.map((recipe) => `  ${recipe.name.padEnd(width)}  ${recipe.description}`).join('\n');
}
