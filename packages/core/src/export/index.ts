/** From exported programs to `.pte` bytes: recipes and `toExecutorch`. */

export * from './recipe.js';
export * from './to-executorch.js';
