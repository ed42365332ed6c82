/**
 * `@etch/core/kernels`: the tensor type and the pure compute routines behind every operator, for
 * runtimes and delegates that execute programs.
 */

export * from './access.js';
export * from './broadcast.js';
export * from './tensor.js';
