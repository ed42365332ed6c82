/**
 * The end-to-end measurement: a Hugging Face folder exported by `@etch/transformers` with a static
 * KV cache, turned into a `.pte` by `toExecutorch` with the recipe, loaded by `@etch/runtime`'s
 * `Module` with the XNNPACK runtime backend, and run token by token, as an application would.
 */

import { ScalarType, Tensor, toExecutorch } from '@etch/core';
import { Module } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { xnnpackRecipes } from '../src/recipes.js';
import { xnnpackRuntime } from '../src/runtime/xnnpack-runtime.js';
import { decodeRates } from './decode-timing.js';
import type { BenchRecipe } from './kernel-llama.js';

/** Throughput of one exported program, and what producing it took. */
export interface EndToEndResult {
  readonly prefillTokensPerSecond: number;
  /** Fastest window of `DECODE_WINDOW` tokens. */
  readonly decodeTokensPerSecond: number;
  readonly decodeMeanTokensPerSecond: number;
  readonly decodeTokensMeasured: number;
  readonly pteBytes: number;
  readonly exportSeconds: number;
  readonly loadSeconds: number;
}

function tokenTensor(tokens: readonly number[]): Tensor {
  return Tensor.fromArray(ScalarType.LONG, [1, tokens.length], BigInt64Array.from(tokens, BigInt));
}

function positionTensor(start: number, count: number): Tensor {
  return Tensor.fromArray(ScalarType.LONG, [count], BigInt64Array.from({ length: count }, (_, index) => BigInt(start + index)));
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}

/**
 * Exports `folder` with `recipe` (prefill up to the prompt's length in one call, logits of the last
 * position), loads it and measures prefill (best of two) and greedy decode of up to
 * `decodeTokens` tokens, stopping early after `decodeSecondsLimit`.
 */
export async function measureEndToEnd(folder: string, recipe: BenchRecipe, prompt: readonly number[], decodeTokens: number, decodeSecondsLimit: number): Promise<EndToEndResult> {
  const exportStart = performance.now();
  const model = await AutoModelForCausalLM.fromPretrained(folder, { cacheConfig: { maxCacheLength: prompt.length + decodeTokens + 1 } });
  const program = exportProgram(model, { sequenceLength: { max: prompt.length }, lastLogitsOnly: true, embedTokenizer: false });
  const artifact = await toExecutorch(program, { recipe, recipes: xnnpackRecipes() });
  const loadStart = performance.now();
  const module = await Module.load(artifact.bytes, { backends: [xnnpackRuntime()] });
  const loadEnd = performance.now();
  const run = (tokens: readonly number[], start: number): Float32Array => {
    const [logits] = module.forward([tokenTensor(tokens), positionTensor(start, tokens.length)]);
    return (logits as Tensor).data as Float32Array;
  };
  let prefillSeconds = Infinity;
  let logits = new Float32Array(0) as Float32Array;
  for (let repeat = 0; repeat < 2; repeat++) {
    const start = performance.now();
    logits = run(prompt, 0);
    prefillSeconds = Math.min(prefillSeconds, (performance.now() - start) / 1000);
  }
  let token = argmax(logits);
  const steps: number[] = [];
  const decodeStart = performance.now();
  while (steps.length < decodeTokens && (performance.now() - decodeStart) / 1000 < decodeSecondsLimit) {
    const start = performance.now();
    token = argmax(run([token], prompt.length + steps.length));
    steps.push((performance.now() - start) / 1000);
  }
  const rates = decodeRates(steps);
  return {
    prefillTokensPerSecond: prompt.length / prefillSeconds,
    decodeTokensPerSecond: rates.bestWindow,
    decodeMeanTokensPerSecond: rates.mean,
    decodeTokensMeasured: steps.length,
    pteBytes: artifact.bytes.length,
    exportSeconds: (loadStart - exportStart) / 1000,
    loadSeconds: (loadEnd - loadStart) / 1000,
  };
}
