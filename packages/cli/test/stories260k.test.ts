import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSharedData } from '@etch/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDifference, readFloat32File } from './reference-logits.js';
import { etch } from './run-cli.js';

/**
 * Issue #4's acceptance run: `etch export --model stories260K --recipe portable`, then
 * `etch generate` for every case llama2.c's run.c was recorded on. run.c's `-n steps` counts
 * positions including the prompt, which is what `--steps` means; its stdout is the prompt and the
 * continuation. The logits rows for generated tokens are rows len(prompt)-1 … of run.c's dump.
 */
const modelDirectory = findSharedData('models/stories260K');

interface ReferenceCase {
  readonly name: string;
  readonly prompt: string;
  readonly steps: number;
}

describe.skipIf(!modelDirectory).each(['portable', 'xnnpack'])('stories260K through the CLI against run.c, recipe %s', (recipe) => {
  const directory = mkdtempSync(join(tmpdir(), 'etch-stories-'));
  const file = join(directory, 's.pte');
  const cases = modelDirectory ? (JSON.parse(readFileSync(join(modelDirectory, 'reference/index.json'), 'utf8')) as ReferenceCase[]) : [];
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  beforeAll(async () => {
    const run = await etch('export', '--model', modelDirectory!, '--recipe', recipe, '-o', file);
    expect(run.exitCode, run.stderr).toBe(0);
    if (recipe === 'xnnpack') expect(run.stderr).toMatch(/XnnpackBackend \(forward\): \d+ nodes in \d+ partitions; left to portable kernels: (?!.*aten::linear)/);
  });

  for (const referenceCase of cases) {
    it(`${referenceCase.name}: text, ids and logits`, async () => {
      const reference = JSON.parse(readFileSync(join(modelDirectory!, 'reference', `${referenceCase.name}.json`), 'utf8'));
      const text = await etch('generate', file, '--prompt', referenceCase.prompt, '--steps', String(referenceCase.steps), '--temperature', '0');
      expect(text.exitCode, text.stderr).toBe(0);
      expect(text.stdout).toBe(readFileSync(join(modelDirectory!, 'reference', `${referenceCase.name}.stdout.txt`), 'utf8'));

      const logitsFile = join(directory, `${referenceCase.name}.f32`);
      const json = await etch('generate', file, '--prompt', referenceCase.prompt, '--steps', String(referenceCase.steps), '--temperature', '0', '--json', '--dump-logits', logitsFile);
      const result = JSON.parse(json.stdout);
      expect(result.promptIds).toEqual(reference.prompt_ids);
      expect(result.generatedIds).toEqual(reference.generated_ids);
      const vocab = 512;
      const all = readFloat32File(join(modelDirectory!, 'reference', `${referenceCase.name}.logits.f32`));
      const first = reference.prompt_ids.length - 1;
      const expected = all.subarray(first * vocab, (first + reference.generated_ids.length) * vocab);
      expect(maxAbsDifference(readFloat32File(logitsFile), expected)).toBeLessThan(1e-4);
    });
  }

  it('--max-new-tokens N generates N tokens whose text continues run.c’s', async () => {
    const reference = JSON.parse(readFileSync(join(modelDirectory!, 'reference', 'hello_world.json'), 'utf8'));
    const run = await etch('generate', file, '--prompt', 'Hello world', '--max-new-tokens', '64', '--temperature', '0', '--json');
    const result = JSON.parse(run.stdout);
    expect(result.generatedIds.length).toBe(64);
    expect(result.generatedIds.slice(0, reference.generated_ids.length)).toEqual(reference.generated_ids);
  });
});
