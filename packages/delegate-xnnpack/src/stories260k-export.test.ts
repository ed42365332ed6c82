// stories260K exported by etch with the XNNPACK recipes, run by etch's runtime with the XNNPACK
// runtime backend, against the logits ExecuTorch recorded for its own exports of the same model.

import { type ExportedProgram, ScalarType, Tensor, applyDelegate, coreOperators, createOperatorRegistry, toExecutorch } from '@etch/core';
import { findSharedData, sharedPath } from '@etch/core/testing';
import { Module } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SafetensorsEntry, readSafetensors } from '../test/read-safetensors.js';
import { UPSTREAM_DIRECTORY } from '../test/upstream-payloads.js';
import { xnnpackRecipes } from './recipes.js';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';

const checkpoint = findSharedData('models/stories260K');
const reference = findSharedData(`${UPSTREAM_DIRECTORY}/xnnpack_static.ref_io.safetensors`);

function int64Tensor(entry: SafetensorsEntry): Tensor {
  return Tensor.fromArray(ScalarType.LONG, entry.shape, new BigInt64Array(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength / 8));
}

/** Max |difference| and argmax mismatches of every recorded step of `variant`'s ref_io. */
async function compareWithReference(bytes: Uint8Array, variant: string): Promise<{ maxDifference: number; argmaxMismatches: number; steps: number }> {
  const module = await Module.load(bytes, { backends: [xnnpackRuntime()] });
  const recorded = readSafetensors(sharedPath(`${UPSTREAM_DIRECTORY}/${variant}.ref_io.safetensors`));
  let maxDifference = 0;
  let argmaxMismatches = 0;
  let steps = 0;
  for (; recorded.has(`step${steps}.logits`); steps++) {
    const logits = recorded.get(`step${steps}.logits`)!;
    const [output] = module.forward([int64Tensor(recorded.get(`step${steps}.input_ids`)!), int64Tensor(recorded.get(`step${steps}.cache_position`)!)]);
    const actual = (output as Tensor).data as Float32Array;
    const expected = new Float32Array(logits.bytes.buffer, logits.bytes.byteOffset, logits.bytes.byteLength / 4);
    let best = 0;
    let bestExpected = 0;
    for (let i = 0; i < expected.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(actual[i]! - expected[i]!));
      if (actual[i]! > actual[best]!) best = i;
      if (expected[i]! > expected[bestExpected]!) bestExpected = i;
    }
    if (best !== bestExpected) argmaxMismatches++;
  }
  return { maxDifference, argmaxMismatches, steps };
}

describe.skipIf(!checkpoint || !reference)('stories260K through the XNNPACK recipes', () => {
  let program: ExportedProgram;
  beforeAll(async () => {
    program = exportProgram(await AutoModelForCausalLM.fromPretrained(checkpoint!));
  });

  for (const recipeName of ['xnnpack', 'xnnpack_q8', 'xnnpack_8da4w']) {
    it(`${recipeName}: the partitioner takes every linear`, async () => {
      const recipe = xnnpackRecipes().find((candidate) => candidate.name === recipeName)!;
      const registry = createOperatorRegistry(coreOperators());
      const prepared = (recipe.passes ?? []).reduce((current, pass) => pass.run(current, { registry }), program);
      const linears = prepared.graph.nodes.filter((node) => node.target === 'aten::linear').length;
      expect(linears).toBeGreaterThan(0);
      const { methods, reports } = await applyDelegate({ forward: prepared }, recipe.delegates![0]!, registry);
      expect(reports[0]!.diagnostics.filter((diagnostic) => diagnostic.op === 'aten::linear')).toEqual([]);
      expect(methods.forward!.graph.nodes.filter((node) => node.target === 'aten::linear')).toEqual([]);
      if (recipeName !== 'xnnpack') {
        // The quantization patterns went with their linears; only the 8-bit embedding lookup stays.
        const left = methods.forward!.graph.nodes.filter((node) => node.target?.startsWith('quantized_decomposed::')).map((node) => node.target);
        expect(left).toEqual(['quantized_decomposed::embedding_byte.dtype']);
      }
    });
  }

  it('xnnpack: delegates every linear and reproduces ExecuTorch’s xnnpack_static logits within 1e-4', async () => {
    const linears = program.graph.nodes.filter((node) => node.target === 'aten::linear').length;
    expect(linears).toBeGreaterThan(0);
    const artifact = await toExecutorch(program, { recipe: 'xnnpack', recipes: xnnpackRecipes() });
    const report = artifact.delegation.find((entry) => entry.method === 'forward')!;
    expect(report.backendId).toBe('XnnpackBackend');
    expect(report.diagnostics.filter((diagnostic) => diagnostic.op === 'aten::linear')).toEqual([]);
    expect(report.delegatedNodes).toBeGreaterThanOrEqual(linears);
    const result = await compareWithReference(artifact.bytes, 'xnnpack_static');
    expect(result.steps).toBeGreaterThan(1);
    expect(result.maxDifference).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toBe(0);
  });

  it('xnnpack_q8: reproduces ExecuTorch’s xnnpack_q8_static logits within 1e-2, same argmax', async () => {
    // Same weight quantization (symmetric int8 per channel, [-127, 127]) and, on single tokens,
    // the same per-token activation quantization as ExecuTorch's pt2e XNNPACKQuantizer export,
    // which keeps the embedding table fp32.
    const artifact = await toExecutorch(program, { recipe: 'xnnpack_q8', recipes: xnnpackRecipes({ embeddings: false }) });
    const result = await compareWithReference(artifact.bytes, 'xnnpack_q8_static');
    expect(result.steps).toBeGreaterThan(1);
    expect(result.maxDifference).toBeLessThan(1e-2);
    expect(result.argmaxMismatches).toBe(0);
  });

  it('with a dynamic sequence length: xnnpack reproduces xnnpack_dynamic (multi-token prefill) within 1e-4, xnnpack_q8 the q8 single-token steps within 1e-2', async () => {
    const dynamic = exportProgram(await AutoModelForCausalLM.fromPretrained(checkpoint!), { sequenceLength: { max: 127 } });
    const fp32 = await toExecutorch(dynamic, { recipe: 'xnnpack', recipes: xnnpackRecipes() });
    const fp32Result = await compareWithReference(fp32.bytes, 'xnnpack_dynamic');
    expect(fp32Result.maxDifference).toBeLessThan(1e-4);
    expect(fp32Result.argmaxMismatches).toBe(0);
    const q8 = await toExecutorch(dynamic, { recipe: 'xnnpack_q8', recipes: xnnpackRecipes({ embeddings: false }) });
    const q8Result = await compareWithReference(q8.bytes, 'xnnpack_q8_static');
    expect(q8Result.maxDifference).toBeLessThan(1e-2);
    expect(q8Result.argmaxMismatches).toBe(0);
  });
});
