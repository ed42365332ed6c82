/** Graph passes: the pass manager and the passes core ships, for recipes and delegates to compose. */

export * from './pass.js';
export * from './pass-manager.js';
export * from './dead-code.js';
export * from './common-subexpressions.js';
export * from './constant-folding.js';
export * from './decompose.js';
export * from './decompositions/index.js';
export * from './to-out-variants.js';
