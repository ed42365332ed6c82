import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { AutoModelForCausalLM } from '../auto-model.js';
import { exportProgram } from '../export/export-program.js';
import { ProgramRunner, argmax, maxAbsDifference, readGolden } from '../test-support/program-runner.js';

/**
 * Each golden checkpoint against transformers 4.57.6 (eager, float32): the full 24-token forward,
 * then greedy decoding of 40 tokens from the 8-token prompt through the static cache — once with
 * a seq-1 program (the prompt fed token by token) and once with a dynamic-length program (the
 * prompt in one call). Tolerance 1e-4 as golden/README.md recommends.
 */

const TOLERANCE = 1e-4;
const ARCHITECTURES = ['llama', 'llama3_rope', 'qwen2', 'qwen3', 'gemma2', 'phi3', 'gpt2'];
const CACHE_LENGTH = 48;

for (const architecture of ARCHITECTURES) {
  const directory = findSharedData(`golden/${architecture}`);
  describe.skipIf(!directory)(`golden ${architecture}`, async () => {
    const load = () => AutoModelForCausalLM.fromPretrained(directory!, { cacheConfig: { maxCacheLength: CACHE_LENGTH } });
    const golden = () => readGolden(`${directory}/golden.safetensors`);
    const vocab = 512;

    function decode(runner: ProgramRunner, promptInOneCall: boolean) {
      const { promptIds, generatedIds, stepLogits } = golden();
      let logits: Float32Array;
      if (promptInOneCall) {
        const all = runner.forward(promptIds, 0);
        logits = all.subarray(all.length - vocab);
      } else {
        logits = new Float32Array();
        promptIds.forEach((id, position) => (logits = runner.forward([id], position)));
      }
      const generated: number[] = [];
      let worst = 0;
      for (let step = 0; step < generatedIds.length; step++) {
        worst = Math.max(worst, maxAbsDifference(logits, stepLogits, step * vocab, vocab));
        generated.push(argmax(logits));
        if (step + 1 < generatedIds.length) logits = runner.forward([generatedIds[step]!], promptIds.length + step);
      }
      expect(generated).toEqual(generatedIds);
      expect(worst).toBeLessThan(TOLERANCE);
    }

    it('full-sequence logits match', async () => {
      const program = exportProgram(await load(), { sequenceLength: { max: CACHE_LENGTH } });
      const { inputIds, logits } = golden();
      const ours = new ProgramRunner(program).forward(inputIds, 0);
      expect(ours.length).toBe(logits.length);
      expect(maxAbsDifference(ours, logits)).toBeLessThan(TOLERANCE);
    });

    it('greedy decoding with a seq-1 program reproduces generated_ids and step_logits', async () => {
      decode(new ProgramRunner(exportProgram(await load())), false);
    });

    it('greedy decoding with a dynamic prefill program reproduces generated_ids and step_logits', async () => {
      decode(new ProgramRunner(exportProgram(await load(), { sequenceLength: { max: 16 } })), true);
    });
  });
}
