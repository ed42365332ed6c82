import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSharedData } from '@etch/core/testing';
import { SafetensorsFile } from '@etch/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { maxAbsDifference, readFloat32File } from './reference-logits.js';
import { etch } from './run-cli.js';

/**
 * Issue #4's golden check through the CLI: each tiny Hugging Face checkpoint exported with a
 * one-token program and with a dynamic prefill program, then `etch generate --prompt-ids` must
 * give transformers' greedy ids exactly and its step logits within 1e-4. transformers generated
 * these without stopping at EOS, hence `--ignore-eos`.
 */
const goldenDirectory = findSharedData('golden');
const architectures = goldenDirectory ? readdirSync(goldenDirectory, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name) : [];

describe.skipIf(!goldenDirectory)('golden checkpoints through the CLI', () => {
  const directory = mkdtempSync(join(tmpdir(), 'etch-golden-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  for (const architecture of architectures) {
    for (const maxSequenceLength of [1, 8]) {
      it(`${architecture}, --max-seq-len ${maxSequenceLength}`, async () => {
        const modelDirectory = join(goldenDirectory!, architecture);
        const golden = JSON.parse(readFileSync(join(modelDirectory, 'golden.json'), 'utf8'));
        const flat = (ids: number[] | number[][]) => (Array.isArray(ids[0]) ? (ids as number[][])[0]! : (ids as number[]));
        const file = join(directory, `${architecture}-${maxSequenceLength}.pte`);
        const exported = await etch('export', '--model', modelDirectory, '--max-seq-len', String(maxSequenceLength), '-o', file);
        expect(exported.exitCode, exported.stderr).toBe(0);

        const logitsFile = join(directory, `${architecture}-${maxSequenceLength}.f32`);
        const run = await etch('generate', file, '--prompt-ids', flat(golden.prompt_ids).join(','), '--max-new-tokens', '40', '--ignore-eos', '--temperature', '0', '--json', '--dump-logits', logitsFile);
        expect(run.exitCode, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout).generatedIds).toEqual(flat(golden.generated_ids));
        const stepLogits = SafetensorsFile.open(join(modelDirectory, 'golden.safetensors')).get('step_logits');
        expect(maxAbsDifference(readFloat32File(logitsFile), stepLogits.data as Float32Array)).toBeLessThan(1e-4);
      });
    }
  }
});
