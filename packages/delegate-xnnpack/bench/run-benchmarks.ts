/**
 * The XNNPACK delegate's benchmark: prefill and decode tokens/s of each recipe on stories260K
 * and on a random-weight Llama shaped like SmolLM2-135M, end to end (export → `.pte` → runtime)
 * and at kernel level (the delegate's kernels in a plain forward pass), beside llama.cpp on GGUF
 * files of the same weights (written by `@etch/tools/gguf`) and beside the memory-bandwidth bound
 * measured in the same run. `etch bench` calls `runBenchmarks`.
 */

import { findSharedData } from '@etch/core/testing';
import { llamaGguf, type GgufPrecision, type LlamaShape, writeGguf } from '@etch/tools/gguf';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createXnnKernels, typescriptXnnKernels, webAssemblySimdSupported } from '../src/kernels/index.js';
import { decodePlotSvg } from './bench-plot.js';
import { type BenchReport, type BenchRow, formatBenchTable } from './bench-report.js';
import { type BenchRecipe, createKernelLlama } from './kernel-llama.js';
import { loadLlamaCpp, type LlamaCppRunner, type Throughput } from './llama-cpp-runner.js';
import { type LlamaBenchModel, randomLlamaWeights } from './llama-weights.js';
import { measureReadBandwidth } from './memory-bandwidth.js';
import { decodeRates } from './decode-timing.js';
import { loadLlamaFolder } from './stories-model.js';
import { measureEndToEnd } from './end-to-end.js';
import { writeLlamaFolder } from './llama-folder.js';

/** Options of `runBenchmarks`. */
export interface RunBenchmarksOptions {
  /** Log the report as JSON instead of progress lines and a table. */
  readonly json?: boolean;
  /** Model ids to run (default: all of `BENCH_MODELS`). */
  readonly models?: readonly string[];
  /** Recipes to run (default: all of `BENCH_RECIPES`). */
  readonly recipes?: readonly string[];
  /** Receives progress lines and the table (or the JSON); default: standard output. */
  readonly log?: (line: string) => void;
  /** Measure llama.cpp too (default true). */
  readonly llamaCpp?: boolean;
  /** Measure exported `.pte` programs through the runtime (default true). */
  readonly endToEnd?: boolean;
  /** Measure the kernels in a plain forward pass (default true). */
  readonly kernelLevel?: boolean;
  /** Where GGUF files, llama.cpp and the plot go (default: `.bench-out` at the repository root, or in the working directory). */
  readonly outputDirectory?: string;
}

/** The recipes, in table order. */
export const BENCH_RECIPES: readonly BenchRecipe[] = ['portable', 'xnnpack', 'xnnpack_q8', 'xnnpack_8da4w'];

/** The llama.cpp precision each recipe is compared with. */
const LLAMA_CPP_PRECISION: Record<BenchRecipe, GgufPrecision> = { portable: 'F32', xnnpack: 'F32', xnnpack_q8: 'Q8_0', xnnpack_8da4w: 'Q4_0' };

/** SmolLM2-135M's architecture (HuggingFaceTB/SmolLM2-135M config.json). */
export const SMOLLM2_135M_SHAPE: LlamaShape = {
  hiddenSize: 576,
  intermediateSize: 1536,
  layers: 30,
  heads: 9,
  kvHeads: 3,
  headDim: 64,
  vocabSize: 49152,
  contextLength: 2048,
  rmsNormEps: 1e-5,
  ropeTheta: 100000,
};

interface BenchModelSpec {
  readonly id: string;
  readonly promptTokens: number;
  readonly decodeTokens: number;
  load(): Promise<LlamaBenchModel | undefined>;
  /** A Hugging Face folder with the model's weights, written into `outputDirectory` if needed. */
  folder(model: LlamaBenchModel, outputDirectory: string): Promise<string>;
}

/** The benchmark models: ids and how many prompt / generated tokens each measures. */
export const BENCH_MODELS: readonly BenchModelSpec[] = [
  {
    id: 'stories260K',
    promptTokens: 64,
    decodeTokens: 128,
    async load() {
      const folder = findSharedData('models/stories260K');
      return folder === undefined ? undefined : loadLlamaFolder('stories260K', folder);
    },
    async folder() {
      return findSharedData('models/stories260K')!;
    },
  },
  {
    id: 'smollm2-135m-shape',
    promptTokens: 64,
    decodeTokens: 32,
    async load() {
      return { id: 'smollm2-135m-shape', shape: SMOLLM2_135M_SHAPE, tiedEmbeddings: true, tensor: randomLlamaWeights(SMOLLM2_135M_SHAPE, 135) };
    },
    async folder(model, outputDirectory) {
      const folder = join(outputDirectory, 'models', `${model.id}-seed135`);
      if (!existsSync(join(folder, 'model.safetensors'))) await writeLlamaFolder(model, folder);
      return folder;
    },
  },
];

function defaultOutputDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(directory, 'pnpm-workspace.yaml'))) return join(directory, '.bench-out');
    const parent = dirname(directory);
    if (parent === directory) return resolve('.bench-out');
    directory = parent;
  }
}

/** Prompt token ids: deterministic, past the special and byte tokens. */
function promptTokens(count: number, vocabSize: number): number[] {
  const first = Math.min(259, vocabSize - 1);
  return Array.from({ length: count }, (_, index) => first + ((index * 7919) % (vocabSize - first)));
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}

/** Prefill (best of up to 3 within ~2 s) and greedy decode tokens/s of our kernels on `model`. */
async function measureEtch(model: LlamaBenchModel, recipe: BenchRecipe, prompt: number[], decodeTokens: number): Promise<Throughput & { weightBytesPerToken: number; engine: string }> {
  const kernels = recipe === 'portable' ? typescriptXnnKernels() : await createXnnKernels();
  const llama = createKernelLlama(kernels, model, recipe, prompt.length + decodeTokens + 1);
  try {
    llama.forward(prompt.slice(0, 4), 0);
    let prefillSeconds = Infinity;
    let spent = 0;
    let logits: Float32Array = new Float32Array(0);
    for (let repeat = 0; repeat < 3 && (repeat === 0 || spent < 2); repeat++) {
      const start = performance.now();
      logits = llama.forward(prompt, 0);
      const seconds = (performance.now() - start) / 1000;
      prefillSeconds = Math.min(prefillSeconds, seconds);
      spent += seconds;
    }
    let token = argmax(logits);
    const steps: number[] = [];
    for (let step = 0; step < decodeTokens; step++) {
      const start = performance.now();
      token = argmax(llama.forward([token], prompt.length + step));
      steps.push((performance.now() - start) / 1000);
    }
    const rates = decodeRates(steps);
    return {
      prefillTokensPerSecond: prompt.length / prefillSeconds,
      decodeTokensPerSecond: rates.bestWindow,
      decodeMeanTokensPerSecond: rates.mean,
      weightBytesPerToken: llama.weightBytesPerToken,
      engine: kernels.implementation,
    };
  } finally {
    llama.release();
    kernels.dispose();
  }
}

/** Runs the benchmark and returns its report; logs progress and the table (or JSON). */
export async function runBenchmarks(options: RunBenchmarksOptions = {}): Promise<BenchReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const progress = options.json ? () => {} : log;
  const startedAt = new Date();
  const outputDirectory = options.outputDirectory ?? defaultOutputDirectory();
  await mkdir(outputDirectory, { recursive: true });
  const unknownModels = (options.models ?? []).filter((id) => !BENCH_MODELS.some((model) => model.id === id));
  if (unknownModels.length) throw new Error(`unknown benchmark models ${unknownModels.join(', ')}; known: ${BENCH_MODELS.map((model) => model.id).join(', ')}`);
  const unknownRecipes = (options.recipes ?? []).filter((recipe) => !BENCH_RECIPES.includes(recipe as BenchRecipe));
  if (unknownRecipes.length) throw new Error(`unknown recipes ${unknownRecipes.join(', ')}; known: ${BENCH_RECIPES.join(', ')}`);
  const recipes = BENCH_RECIPES.filter((recipe) => options.recipes === undefined || options.recipes.includes(recipe));
  const models = BENCH_MODELS.filter((model) => options.models === undefined || options.models.includes(model.id));

  progress('measuring memory bandwidth');
  const bandwidth = measureReadBandwidth();
  progress(`bandwidth ${(bandwidth / 1e9).toFixed(1)} GB/s`);
  let llamaCpp: LlamaCppRunner | undefined;
  let llamaCppError: string | undefined;
  if (options.llamaCpp !== false) {
    try {
      llamaCpp = await loadLlamaCpp(join(outputDirectory, 'llama-cpp'), progress);
    } catch (error) {
      llamaCppError = error instanceof Error ? error.message : String(error);
      progress(`llama.cpp unavailable: ${llamaCppError}`);
    }
  }
  const threads = 1;
  const rows: BenchRow[] = [];
  const promptCounts: Record<string, number> = {};
  const decodeCounts: Record<string, number> = {};
  try {
    for (const spec of models) {
      const model = await spec.load();
      if (model === undefined) {
        progress(`${spec.id}: model files not found, skipped`);
        continue;
      }
      promptCounts[spec.id] = spec.promptTokens;
      decodeCounts[spec.id] = spec.decodeTokens;
      const prompt = promptTokens(spec.promptTokens, model.shape.vocabSize);
      const reference = new Map<GgufPrecision, BenchRow>();
      if (llamaCpp !== undefined || llamaCppError !== undefined) {
        for (const precision of [...new Set(recipes.map((recipe) => LLAMA_CPP_PRECISION[recipe]))]) {
          const path = join(outputDirectory, 'gguf', `${spec.id}-${precision}.gguf`);
          const contents = llamaGguf(model.shape, model.tensor, precision, { tiedEmbeddings: model.tiedEmbeddings, name: spec.id });
          const weightBytesPerToken = contents.tensors.filter((tensor) => tensor.name !== 'token_embd.weight').reduce((total, tensor) => total + tensor.data.length, 0);
          const base = { model: spec.id, runtime: 'llama.cpp' as const, configuration: precision, engine: `${threads} thread`, weightBytesPerToken, boundTokensPerSecond: bandwidth / weightBytesPerToken };
          let row: BenchRow;
          if (llamaCpp === undefined) row = { ...base, error: llamaCppError };
          else {
            progress(`${spec.id}: writing ${path} and running llama.cpp`);
            await mkdir(dirname(path), { recursive: true });
            await writeGguf(path, contents);
            try {
              const throughput = await llamaCpp.measure(path, { prompt, decodeTokens: spec.decodeTokens, threads });
              row = { ...base, ...throughput, decodeVersusBound: throughput.decodeTokensPerSecond / base.boundTokensPerSecond };
            } catch (error) {
              row = { ...base, error: error instanceof Error ? error.message : String(error) };
            }
          }
          reference.set(precision, row);
          rows.push(row);
          progress(`${spec.id} llama.cpp ${precision}: prefill ${row.prefillTokensPerSecond?.toFixed(1) ?? '–'} tok/s, decode ${row.decodeTokensPerSecond?.toFixed(1) ?? '–'} tok/s`);
        }
      }
      const folder = options.endToEnd === false ? undefined : await spec.folder(model, outputDirectory);
      for (const recipe of recipes) {
        const compared = reference.get(LLAMA_CPP_PRECISION[recipe]);
        const versus = (throughput: Throughput) => ({
          decodeVersusLlamaCpp: compared?.decodeTokensPerSecond === undefined ? undefined : throughput.decodeTokensPerSecond / compared.decodeTokensPerSecond,
          prefillVersusLlamaCpp: compared?.prefillTokensPerSecond === undefined ? undefined : throughput.prefillTokensPerSecond / compared.prefillTokensPerSecond,
        });
        progress(`${spec.id}: ${recipe} (kernel level)`);
        const measured = await measureEtch(model, recipe, prompt, spec.decodeTokens);
        const boundTokensPerSecond = bandwidth / measured.weightBytesPerToken;
        const base = { model: spec.id, configuration: recipe, comparedWith: LLAMA_CPP_PRECISION[recipe], weightBytesPerToken: measured.weightBytesPerToken, boundTokensPerSecond };
        if (folder !== undefined) {
          progress(`${spec.id}: ${recipe} (end to end: export, .pte, runtime)`);
          try {
            const result = await measureEndToEnd(folder, recipe, prompt, spec.decodeTokens, 20);
            rows.push({
              ...base,
              runtime: 'etch',
              engine: `pte ${(result.pteBytes / 1e6).toFixed(0)} MB`,
              prefillTokensPerSecond: result.prefillTokensPerSecond,
              decodeTokensPerSecond: result.decodeTokensPerSecond,
              decodeMeanTokensPerSecond: result.decodeMeanTokensPerSecond,
              decodeVersusBound: result.decodeTokensPerSecond / boundTokensPerSecond,
              ...versus(result),
            });
            progress(`${spec.id} ${recipe} end to end: export ${result.exportSeconds.toFixed(1)} s, load ${result.loadSeconds.toFixed(1)} s, prefill ${result.prefillTokensPerSecond.toFixed(1)} tok/s, decode ${result.decodeTokensPerSecond.toFixed(1)} tok/s`);
          } catch (error) {
            rows.push({ ...base, runtime: 'etch', engine: 'pte', error: error instanceof Error ? error.message : String(error) });
          }
        }
        if (options.kernelLevel !== false) {
          rows.push({
            ...base,
            runtime: 'etch-kernels',
            engine: measured.engine,
            prefillTokensPerSecond: measured.prefillTokensPerSecond,
            decodeTokensPerSecond: measured.decodeTokensPerSecond,
            decodeMeanTokensPerSecond: measured.decodeMeanTokensPerSecond,
            decodeVersusBound: measured.decodeTokensPerSecond / boundTokensPerSecond,
            ...versus(measured),
          });
          progress(`${spec.id} ${recipe} kernel level (${measured.engine}): prefill ${measured.prefillTokensPerSecond.toFixed(1)} tok/s, decode ${measured.decodeTokensPerSecond.toFixed(1)} tok/s`);
        }
      }
    }
  } finally {
    await llamaCpp?.dispose();
  }
  const withoutPlot: BenchReport = {
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, wasmSimd: webAssemblySimdSupported() },
    bandwidthBytesPerSecond: bandwidth,
    promptTokens: promptCounts,
    decodeTokens: decodeCounts,
    threads,
    rows,
  };
  const plotPath = join(outputDirectory, 'bench-decode.svg');
  await writeFile(plotPath, decodePlotSvg(withoutPlot));
  const report: BenchReport = { ...withoutPlot, plotPath };
  if (options.json) log(JSON.stringify(report, null, 2));
  else {
    for (const line of formatBenchTable(report)) log(line);
    log(`plot: ${plotPath}`);
  }
  return report;
}
