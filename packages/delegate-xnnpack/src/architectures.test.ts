// Every tiny golden architecture (Llama, Qwen2/3, Phi-3, Gemma 2, GPT-2) exported with the fp32
// XNNPACK recipe, and Llama and GPT-2 (plain and transposed linear weights) with the quantized
// ones too, run with the XNNPACK runtime backend against the same program (same quantization
// passes) on portable kernels. XNNPACK keeps 4-bit block scales in bfloat16, so the 8da4w
// reference rounds its scales the same way.

import { type Pass, type Recipe, ScalarType, Tensor, toExecutorch } from '@etch/core';
import { bfloat16ToFloat, floatToBfloat16 } from '@etch/core/kernels';
import { findSharedData } from '@etch/core/testing';
import { Module } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { describe, expect, it } from 'vitest';
import { xnnpackRecipes } from './recipes.js';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';

const ARCHITECTURES = ['llama', 'llama3_rope', 'qwen2', 'qwen3', 'phi3', 'gemma2', 'gpt2'];
/** Architectures also checked with the quantized recipes. */
const QUANTIZED = new Set(['llama', 'gpt2']);
const golden = findSharedData('golden');

/** Rounds the group scales of 4-bit weights to bfloat16, as XNNPACK's qb4w filters hold them. */
const bfloat16GroupScales: Pass = {
  name: 'round-group-scales-to-bfloat16',
  run(program) {
    const constants = new Map(program.constants);
    for (const [name, data] of program.constants) {
      if (!/\.q4g\d+\.scales$/.test(name)) continue;
      constants.set(name, {
        ...data,
        read: () => {
          const scales = data.read();
          return Tensor.fromArray(ScalarType.FLOAT, scales.shape, Float32Array.from(scales.data as Float32Array, (s) => bfloat16ToFloat(floatToBfloat16(s))));
        },
      });
    }
    return program.with({ constants });
  },
};

async function logits(bytes: Uint8Array, withXnnpack: boolean): Promise<Float32Array> {
  const module = await Module.load(bytes, withXnnpack ? { backends: [xnnpackRuntime()] } : {});
  const inputIds = Tensor.fromArray(ScalarType.LONG, [1, 5], BigInt64Array.of(1n, 20n, 30n, 40n, 50n));
  const positions = Tensor.fromArray(ScalarType.LONG, [5], BigInt64Array.of(0n, 1n, 2n, 3n, 4n));
  const [first] = module.forward([inputIds, positions]);
  const next = Tensor.fromArray(ScalarType.LONG, [1, 1], BigInt64Array.of(60n));
  const [second] = module.forward([next, Tensor.fromArray(ScalarType.LONG, [1], BigInt64Array.of(5n))]);
  return Float32Array.from([...((first as Tensor).data as Float32Array), ...((second as Tensor).data as Float32Array)]);
}

describe.skipIf(!golden)('golden architectures through the XNNPACK recipes', () => {
  for (const architecture of ARCHITECTURES) {
    it(`${architecture}: every linear delegated; logits match portable kernels on the same program${QUANTIZED.has(architecture) ? ' (fp32, 8da8w, 8da4w)' : ''}`, async () => {
      const program = exportProgram(await AutoModelForCausalLM.fromPretrained(`${golden}/${architecture}`), { sequenceLength: { max: 16 } });
      for (const recipe of xnnpackRecipes().filter((candidate) => candidate.name === 'xnnpack' || QUANTIZED.has(architecture))) {
        const artifact = await toExecutorch(program, { recipe });
        expect(artifact.delegation[0]!.diagnostics.filter((diagnostic) => diagnostic.op === 'aten::linear'), recipe.name).toEqual([]);
        const reference: Recipe = {
          name: `${recipe.name} on portable kernels`,
          description: 'reference',
          passes: [...(recipe.passes ?? []), ...(recipe.name === 'xnnpack_8da4w' ? [bfloat16GroupScales] : [])],
        };
        const actual = await logits(artifact.bytes, true);
        const expected = await logits((await toExecutorch(program, { recipe: reference })).bytes, false);
        let maxDifference = 0;
        for (let i = 0; i < expected.length; i++) maxDifference = Math.max(maxDifference, Math.abs(actual[i]! - expected[i]!));
        expect(maxDifference, recipe.name).toBeLessThan(1e-4);
      }
    });
  }
});
