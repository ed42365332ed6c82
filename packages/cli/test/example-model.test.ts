import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etch } from './run-cli.js';

/**
 * The README's main job, in-process: export the built-in example model with no flags, then
 * generate from the `.pte` alone (its tokenizer is embedded). The example model was built so that
 * greedy decoding in Hugging Face transformers continues "Hello" with this sentence and then EOS.
 */
const EXPECTED = 'Hello world! This tiny model was exported by etch, straight from TypeScript to an ExecuTorch program. It runs here without Python.\n';

describe('etch with the built-in example model', () => {
  const directory = mkdtempSync(join(tmpdir(), 'etch-cli-'));
  const file = join(directory, 'example.pte');
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('exports offline without --model and leaves no temporary files', async () => {
    const run = await etch('export', '-o', file);
    expect(run.stderr).toContain('recipe portable');
    expect(run.exitCode).toBe(0);
    expect(readdirSync(directory)).toEqual(['example.pte']);
  });

  it('generates the sentence the model was made to say, then stops at EOS', async () => {
    const run = await etch('generate', file, '--prompt', 'Hello');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(EXPECTED);
    expect(run.stderr).toContain('stop: eos');
  });

  it('prints one JSON object with --json', async () => {
    const run = await etch('generate', file, '--prompt', 'Hello', '--json');
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(['promptIds', 'generatedIds', 'text', 'stopReason', 'stats']);
    expect(result.stopReason).toBe('eos');
    expect(result.text).toBe(EXPECTED.slice('Hello '.length, -1));
    expect(Object.keys(result.stats)).toEqual(['loadMs', 'ttftMs', 'prefillTokensPerSecond', 'decodeTokensPerSecond']);
  });

  it('inspects the program as JSON', async () => {
    const run = await etch('inspect', file, '--json');
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(JSON.stringify(summary)).toContain('get_max_seq_len');
  });
});

describe('etch errors', () => {
  it('names an unknown command and exits 2', async () => {
    const run = await etch('exprot');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'exprot'/);
    expect(run.stderr).toMatch(/hint: commands: export, generate, inspect, bench/);
  });

  it('rejects a bad flag value with the flag and what it needs', async () => {
    const run = await etch('export', '--max-cache-len', 'many', '-o', 'x.pte');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe("etch: --max-cache-len must be an integer in [1, 9007199254740991], got 'many'\n");
  });

  it('reports a missing model folder in one line with a hint', async () => {
    const run = await etch('export', '--model', '/nonexistent/model', '-o', join(tmpdir(), 'never.pte'));
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(run.stderr).toContain('/nonexistent/model');
  });

  it('reports a file that is not a .pte', async () => {
    const run = await etch('generate', join(__dirname, 'run-cli.ts'), '--prompt-ids', '1');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^etch: /);
  });

  it('lists the recipes', async () => {
    const run = await etch('export', '--list-recipes');
    expect(run.exitCode).toBe(0);
    for (const name of ['portable', 'xnnpack', 'xnnpack_q8', 'xnnpack_8da4w']) expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});
