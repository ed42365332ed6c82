/**
 * `@etch/tools/gguf`: writing GGUF files for llama.cpp from our own weights (benchmarks).
 */

export * from './ggml-quantize.js';
export * from './gguf-writer.js';
export * from './llama-gguf.js';
