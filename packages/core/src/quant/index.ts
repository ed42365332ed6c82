export * from './embedding-quantization.js';
export * from './linear-quantization.js';
export * from './quantized-constant.js';
