/**
 * `@etch/core/kernels`: the tensor type and the pure compute routines behind every operator, for
 * runtimes and delegates that execute programs.
 */

export * from './access.js';
export * from './broadcast.js';
export * from './tensor.js';
export * from './attention.js';
export * from './quantize.js';
export * from './quantized-embedding.js';
export * from './quantized-matmul.js';
export * from './quantized-qparams.js';
export * from './advanced-index.js';
export * from './convert.js';
export * from './erf.js';
export * from './matmul.js';
export * from './reduce.js';
export * from './strided-copy.js';
