import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScalarType, Tensor, toExecutorch } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { Module } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { describe, expect, it } from 'vitest';
import { xnnpackRecipes } from './recipes.js';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';

/**
 * Issue #5's accuracy targets: fed llama2.c's own 256-token stories260K sequence (teacher
 * forcing), how often each recipe's top-1 token equals the one from run.c's fp32 logits.
 */
const stories = findSharedData('models/stories260K');
const CHUNK = 64;

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = offset;
  for (let i = offset + 1; i < offset + length; i++) if (values[i]! > values[best]!) best = i;
  return best - offset;
}

async function topOneAgreement(recipe: string): Promise<number> {
  const reference = JSON.parse(readFileSync(join(stories!, 'reference/once_upon_a_time_256.json'), 'utf8')) as { token_ids: number[]; logits_shape: [number, number] };
  const referenceBytes = readFileSync(join(stories!, 'reference/once_upon_a_time_256.logits.f32'));
  const referenceLogits = new Float32Array(referenceBytes.buffer.slice(referenceBytes.byteOffset, referenceBytes.byteOffset + referenceBytes.length));
  const [steps, vocab] = reference.logits_shape;
  const program = exportProgram(await AutoModelForCausalLM.fromPretrained(stories!), { sequenceLength: { max: CHUNK }, embedTokenizer: false });
  const { bytes } = await toExecutorch(program, { recipe, recipes: xnnpackRecipes() });
  const module = await Module.load(bytes, { backends: [xnnpackRuntime()] });
  let agree = 0;
  for (let start = 0; start < steps; start += CHUNK) {
    const ids = reference.token_ids.slice(start, Math.min(start + CHUNK, steps));
    const [logits] = module.forward([
      Tensor.fromArray(ScalarType.LONG, [1, ids.length], BigInt64Array.from(ids, BigInt)),
      Tensor.fromArray(ScalarType.LONG, [ids.length], BigInt64Array.from(ids, (_, i) => BigInt(start + i))),
    ]);
    const rows = (logits as Tensor).data as Float32Array;
    ids.forEach((_, i) => {
      if (argmax(rows, i * vocab, vocab) === argmax(referenceLogits, (start + i) * vocab, vocab)) agree++;
    });
  }
  return agree / steps;
}

describe.skipIf(!stories)('teacher-forced top-1 agreement with run.c over 256 tokens', () => {
  it.each([
    ['xnnpack', 1],
    ['xnnpack_q8', 0.95],
    ['xnnpack_8da4w', 0.9],
  ] as const)('%s ≥ %s', async (recipe, target) => {
    const agreement = await topOneAgreement(recipe);
    console.info(`${recipe}: top-1 agreement ${(agreement * 100).toFixed(1)}%`);
    expect(agreement).toBeGreaterThanOrEqual(target);
  });
});
