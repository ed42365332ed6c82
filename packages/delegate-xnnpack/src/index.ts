/**
 * `@etch/delegate-xnnpack`: the XNNPACK delegate for etch. `xnnpack()` partitions and lowers
 * subgraphs to ExecuTorch's XNNPACK payload (`XH00`/`XN01`, constants in named data);
 * `xnnpackRecipes()` are the export recipes using it; the payload format's reader and writer
 * are exported for tools. The runtime backend is `@etch/delegate-xnnpack/runtime`.
 */

export { xnnpack, type XnnpackOptions } from './xnnpack-delegate.js';
export { xnnpackRecipes, type XnnpackRecipeOptions } from './recipes.js';
export * from './format/index.js';
