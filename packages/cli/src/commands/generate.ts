/**
 * `etch generate`: runs a `.pte` from the command line the way users check an export before
 * shipping it. Text streams to stdout as it is decoded (the prompt first, as llama2.c's run.c
 * prints it); `--json` prints one machine-readable object instead; `--dump-logits` writes the
 * logits each generated token was chosen from. The tokenizer comes from the `.pte` itself
 * unless `--tokenizer DIR` is given.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerateOptions, type GenerateResult, Module, Tokenizer, generate } from '@etch/runtime';
import { xnnpackRuntime } from '@etch/delegate-xnnpack/runtime';
import { writeFileAtomic } from '@etch/transformers';
import { integerFlag, numberFlag, parse } from '../arguments.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';

const usage = `Usage: etch generate FILE.pte (--prompt TEXT | --chat TEXT | --prompt-ids 1,2,3)
                     [--tokenizer DIR] [--max-new-tokens N | --steps N] [--temperature T]
                     [--top-k K] [--top-p P] [--seed S] [--ignore-eos] [--json]
                     [--dump-logits OUT.f32]

Streams the prompt and the generated text to stdout. --chat wraps TEXT as a user message in the
model's chat template. --steps N stops when N positions are filled, counting the prompt, as
llama2.c's run.c -n does. --temperature 0 (the default) is greedy. --ignore-eos keeps going
past end-of-sequence tokens. --json prints
{ promptIds, generatedIds, text, stopReason, stats }. --dump-logits writes float32 little-endian
[generatedIds.length, vocab]: row i holds the logits generated token i was chosen from.`;

function promptIdsFlag(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((part) => Number(part.trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new UsageError(`--prompt-ids must be comma-separated non-negative integers, got '${value}'`);
  }
  return ids;
}

async function loadTokenizer(directory: string | undefined, module: Module): Promise<Tokenizer | undefined> {
  if (directory === undefined) return Tokenizer.fromModule(module);
  const read = async (name: string) => readFile(join(directory, name)).catch(() => undefined);
  const tokenizerJson = await read('tokenizer.json');
  if (!tokenizerJson) throw new UsageError(`--tokenizer ${directory}: no tokenizer.json there`);
  const tokenizerConfig = await read('tokenizer_config.json');
  return Tokenizer.fromFiles({ 'tokenizer.json': tokenizerJson, ...(tokenizerConfig ? { 'tokenizer_config.json': tokenizerConfig } : {}) });
}

function concatenateRows(rows: readonly Float32Array[]): Uint8Array {
  const width = rows[0]?.length ?? 0;
  const all = new Float32Array(rows.length * width);
  rows.forEach((row, i) => all.set(row, i * width));
  return new Uint8Array(all.buffer);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('generate', args, {
    prompt: { type: 'string' },
    chat: { type: 'string' },
    'prompt-ids': { type: 'string' },
    tokenizer: { type: 'string' },
    'max-new-tokens': { type: 'string' },
    steps: { type: 'string' },
    temperature: { type: 'string' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
    seed: { type: 'string' },
    'ignore-eos': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'dump-logits': { type: 'string' },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('expected exactly one FILE.pte', "run 'etch generate --help'");
  const promptIds = promptIdsFlag(values['prompt-ids']);
  const given = [values.prompt !== undefined, values.chat !== undefined, promptIds !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one of --prompt, --chat or --prompt-ids');
  const maxNewTokens = integerFlag('max-new-tokens', values['max-new-tokens'], { min: 0 });
  const steps = integerFlag('steps', values.steps, { min: 1 });
  if (maxNewTokens !== undefined && steps !== undefined) throw new UsageError('give --max-new-tokens or --steps, not both');

  const loadStart = performance.now();
  const module = await Module.load(file, { backends: [xnnpackRuntime()] });
  const loadMs = performance.now() - loadStart;
  const tokenizer = await loadTokenizer(values.tokenizer, module);
  if (!tokenizer && promptIds === undefined) {
    throw new UsageError(`${file} embeds no tokenizer`, 'pass --tokenizer DIR (a folder with tokenizer.json) or --prompt-ids');
  }

  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  // The prompt's ids go through the decoder first, so the continuation is decoded in context
  // (SentencePiece drops the leading space of the first token a decoder sees).
  const streamer = !values.json ? tokenizer?.createIncrementalDecoder({ skipSpecialTokens: true }) : undefined;
  const write = (text: string) => text && io.stdout(text);
  const source: Pick<GenerateOptions, 'prompt' | 'messages' | 'promptIds'> =
    promptIds !== undefined ? { promptIds } : values.chat !== undefined ? { messages: [{ role: 'user', content: values.chat }] } : { prompt: values.prompt! };
  let result: GenerateResult;
  try {
    result = await generate(module, {
      ...source,
      ...(tokenizer ? { tokenizer } : {}),
      ...(maxNewTokens !== undefined ? { maxNewTokens } : {}),
      ...(steps !== undefined ? { maxTotalTokens: steps + 1 } : {}),
      temperature: numberFlag('temperature', values.temperature, { min: 0 }) ?? 0,
      ...(values['top-k'] !== undefined ? { topK: integerFlag('top-k', values['top-k'], { min: 1 })! } : {}),
      ...(values['top-p'] !== undefined ? { topP: numberFlag('top-p', values['top-p'], { min: 0, max: 1 })! } : {}),
      ...(values.seed !== undefined ? { seed: integerFlag('seed', values.seed)! } : {}),
      ignoreEos: values['ignore-eos'],
      returnLogits: values['dump-logits'] !== undefined,
      signal: abort.signal,
      onPrompt: (ids) => ids.forEach((id) => streamer && write(streamer.push(id))),
      onToken: (id) => streamer && write(streamer.push(id)),
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  if (streamer) write(streamer.flush());
  if (values['dump-logits'] !== undefined) await writeFileAtomic(values['dump-logits'], concatenateRows(result.logits ?? []));
  const stats = { loadMs: round(loadMs), ttftMs: round(result.stats.ttftMs), prefillTokensPerSecond: round(result.stats.prefillTokensPerSecond), decodeTokensPerSecond: round(result.stats.decodeTokensPerSecond) };
  if (values.json) {
    io.stdout(`${JSON.stringify({ promptIds: result.promptIds, generatedIds: result.generatedIds, text: result.text, stopReason: result.stopReason, stats })}\n`);
  } else {
    if (!streamer) io.stdout(`${result.generatedIds.join(' ')}`);
    io.stdout('\n');
    io.stderr(`stop: ${result.stopReason}; load ${stats.loadMs} ms, first token ${stats.ttftMs} ms, prefill ${stats.prefillTokensPerSecond} tok/s, decode ${stats.decodeTokensPerSecond} tok/s\n`);
  }
  return result.stopReason === 'aborted' ? 130 : 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export const generateCommand: Command = { name: 'generate', summary: 'generate text from a .pte program', usage, run };
