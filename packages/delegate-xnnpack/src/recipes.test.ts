import { InvalidArgumentError, ScalarType, Tensor, resolveRecipe, toExecutorch } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { Module } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { describe, expect, it } from 'vitest';
import { xnnpackRecipes } from './recipes.js';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';

describe('xnnpackRecipes', () => {
  it('names three recipes with one-line descriptions, each delegating to XnnpackBackend', () => {
    const recipes = xnnpackRecipes();
    expect(recipes.map((recipe) => recipe.name)).toEqual(['xnnpack', 'xnnpack_q8', 'xnnpack_8da4w']);
    for (const recipe of recipes) {
      expect(recipe.description).not.toMatch(/\n/);
      expect(recipe.delegates!.map((use) => use.delegate.backendId)).toEqual(['XnnpackBackend']);
    }
    expect(resolveRecipe('xnnpack', recipes).passes!.map((pass) => pass.name)).toEqual([]);
    expect(resolveRecipe('xnnpack_q8', recipes).passes!.map((pass) => pass.name)).toEqual(['quantize-linears-8da8w', 'quantize-embeddings-8bit']);
    expect(resolveRecipe('xnnpack_8da4w', recipes).passes!.map((pass) => pass.name)).toEqual(['quantize-linears-8da4w-searched', 'quantize-embeddings-8bit']);
    expect(recipes[1]!.description).toContain('8-bit embeddings');
    expect(recipes[2]!.description).toContain('8-bit embeddings');
    expect(recipes[2]!.description).toContain('groups of 32');
  });

  it('keeps embeddings fp32 everywhere with embeddings: false', () => {
    for (const recipe of xnnpackRecipes({ embeddings: false })) {
      expect(recipe.passes!.map((pass) => pass.name).filter((name) => name.startsWith('quantize-embeddings'))).toEqual([]);
    }
  });

  it('takes a group size (multiples of 32) and embedding quantization', () => {
    const recipes = xnnpackRecipes({ groupSize: 64, embeddings: { bits: 4, groupSize: 32 } });
    expect(recipes[2]!.description).toContain('groups of 64');
    for (const recipe of recipes) {
      expect(recipe.passes!.map((pass) => pass.name)).toContain('quantize-embeddings-4bit');
      expect(recipe.description).toContain('4-bit embeddings in groups of 32');
    }
    expect(() => xnnpackRecipes({ groupSize: 48 })).toThrow(InvalidArgumentError);
  });

  const checkpoint = findSharedData('models/stories260K');
  it.skipIf(!checkpoint)('xnnpack_q8 with 8-bit embeddings exports and runs stories260K (the lookup stays on portable kernels)', async () => {
    const program = exportProgram(await AutoModelForCausalLM.fromPretrained(checkpoint!));
    const artifact = await toExecutorch(program, { recipe: 'xnnpack_q8', recipes: xnnpackRecipes({ embeddings: { bits: 8 } }) });
    expect(artifact.delegation[0]!.diagnostics.some((diagnostic) => diagnostic.op === 'quantized_decomposed::embedding_byte.dtype')).toBe(true);
    const module = await Module.load(artifact.bytes, { backends: [xnnpackRuntime()] });
    const [logits] = module.forward([Tensor.fromArray(ScalarType.LONG, [1, 1], BigInt64Array.of(1n)), Tensor.fromArray(ScalarType.LONG, [1], BigInt64Array.of(0n))]);
    expect((logits as Tensor).shape).toEqual([1, 1, 512]);
    expect([...((logits as Tensor).data as Float32Array)].every(Number.isFinite)).toBe(true);
  });
});
