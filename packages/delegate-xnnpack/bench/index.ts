/**
 * `@etch/delegate-xnnpack/bench`: the delegate's benchmark (our recipes beside llama.cpp and the
 * memory-bandwidth bound), for `etch bench`.
 */

export { BENCH_MODELS, BENCH_RECIPES, runBenchmarks, SMOLLM2_135M_SHAPE, type RunBenchmarksOptions } from './run-benchmarks.js';
export type { BenchReport, BenchRow } from './bench-report.js';
export type { BenchRecipe } from './kernel-llama.js';
