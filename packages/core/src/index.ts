/**
 * @etch/core: the IR exported models are written in, the operator registry and reference
 * evaluator, graph passes and the memory planner, the delegate contract, and the ExecuTorch
 * `.pte` writer and reader.
 */

export * from './errors.js';
export * from './ir/index.js';
export * from './ops/index.js';
export * from './scalar-type.js';
export * from './evaluator/index.js';
export { Tensor } from './kernels/tensor.js';
export * from './delegate/index.js';
export * from './pte/index.js';
export * from './inspect/index.js';
export * from './passes/index.js';
export * from './planner/index.js';
export * from './quant/index.js';
export * from './export/index.js';
