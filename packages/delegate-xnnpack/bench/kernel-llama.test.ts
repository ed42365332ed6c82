// The kernel-level forward pass must compute the real model: stories260K's logits against
// llama2.c's reference logits, for every recipe and kernel implementation.

import { findSharedData } from '@etch/core/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createXnnKernels, typescriptXnnKernels } from '../src/kernels/index.js';
import { ScalarType } from '@etch/core';
import { quantizeGroupwise, Tensor } from '@etch/core/kernels';
import { type BenchRecipe, createKernelLlama, GROUP_SIZE_8DA4W } from './kernel-llama.js';
import { type LlamaBenchModel, llamaTensorShape } from './llama-weights.js';
import { loadLlamaFolder } from './stories-model.js';

const folder = findSharedData('models/stories260K');

function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index]! > values[best]!) best = index;
  return best;
}

describe.skipIf(folder === undefined)('kernel-level Llama on stories260K', () => {
  const cases: [BenchRecipe, number][] = [
    ['portable', 1e-4],
    ['xnnpack', 1e-4],
    ['xnnpack_q8', 0.6],
  ];
  it.each(cases)('%s matches the reference logits (max error %s)', async (recipe, tolerance) => {
    const model = await loadLlamaFolder('stories260K', folder!);
    const reference = JSON.parse(await readFile(join(folder!, 'reference', 'once_upon_a_time.json'), 'utf8')) as { token_ids: number[] };
    const logitsBytes = await readFile(join(folder!, 'reference', 'once_upon_a_time.logits.f32'));
    const expected = new Float32Array(logitsBytes.buffer, logitsBytes.byteOffset, logitsBytes.byteLength / 4);
    const kernels = recipe === 'portable' ? typescriptXnnKernels() : await createXnnKernels();
    const llama = createKernelLlama(kernels, model, recipe, 64);
    const steps = 24;
    // Prefill the first 8 tokens in one call, then decode one token at a time.
    const results: Float32Array[] = [];
    for (let position = 0; position < 7; position++) results.push(new Float32Array(0));
    results.push(llama.forward(reference.token_ids.slice(0, 8), 0));
    for (let position = 8; position < steps; position++) results.push(llama.forward([reference.token_ids[position]!], position));
    let maxError = 0;
    let agreements = 0;
    for (let position = 7; position < steps; position++) {
      const row = expected.subarray(position * 512, (position + 1) * 512);
      for (let index = 0; index < 512; index++) maxError = Math.max(maxError, Math.abs(results[position]![index]! - row[index]!));
      if (argmax(results[position]!) === argmax(row)) agreements++;
    }
    expect(maxError).toBeLessThan(tolerance);
    expect(agreements).toBe(steps - 7);
    llama.release();
  });

  it('xnnpack_8da4w matches float32 on its dequantized 4-bit weights, up to activation quantization', async () => {
    const model = await loadLlamaFolder('stories260K', folder!);
    const dequantized: LlamaBenchModel = {
      ...model,
      // The tied classifier is quantized like any linear layer; the embedding lookup stays float32.
      tiedEmbeddings: false,
      tensor: (name) => {
        const weights = model.tensor(name === 'lm_head.weight' ? 'model.embed_tokens.weight' : name);
        const [rows, columns] = llamaTensorShape(model.shape, name);
        if (columns === undefined || name === 'model.embed_tokens.weight' || columns % GROUP_SIZE_8DA4W !== 0) return weights;
        const { values, scales } = quantizeGroupwise(Tensor.fromArray(ScalarType.FLOAT, [rows!, columns], weights), 4, GROUP_SIZE_8DA4W);
        const scaleData = scales.data as Float32Array;
        return Float32Array.from(values.data as Int8Array, (value, index) => value * scaleData[Math.floor(index / GROUP_SIZE_8DA4W)]!);
      },
    };
    const kernels = await createXnnKernels();
    const quantized = createKernelLlama(kernels, model, 'xnnpack_8da4w', 16);
    const reference = createKernelLlama(kernels, dequantized, 'xnnpack', 16);
    const tokens = [1, 403, 407, 261, 378, 432, 383, 286];
    const actual = quantized.forward(tokens, 0);
    const expected = reference.forward(tokens, 0);
    let maxError = 0;
    for (let index = 0; index < expected.length; index++) maxError = Math.max(maxError, Math.abs(actual[index]! - expected[index]!));
    expect(maxError).toBeLessThan(0.6);
    expect(maxError).toBeGreaterThan(0);
  });
});
