import { readFileSync } from 'node:fs';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type ToyModelOptions, toyGreedyTokens, toyOperators, toyProgram } from '../../test/toy-language-model.js';
import { PromptTooLongError } from '../errors.js';
import { Module } from '../module/module.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { generate, generateStream } from './generate.js';

const vocabularySize = 97;

async function toyModule(overrides: Partial<ToyModelOptions> = {}): Promise<Module> {
  const options = { vocabularySize, maxContext: 32, maxTokensPerCall: 8, eosId: 1000, ...overrides };
  return Module.fromProgram(toyProgram(options), { operators: toyOperators() });
}

const silent = { warn: () => {} };

describe('generate on a toy program', () => {
  const promptIds = [5, 17, 3, 40, 2, 9, 11, 23, 8, 60, 4];

  it('greedy tokens match the model, whether the prompt is prefilled in chunks or token by token', async () => {
    const expected = toyGreedyTokens(promptIds, 10, vocabularySize);
    for (const maxTokensPerCall of [8, 1]) {
      const module = await toyModule({ maxTokensPerCall });
      const result = await generate(module, { promptIds, maxNewTokens: 10, logger: silent });
      expect(result.generatedIds).toEqual(expected);
      expect(result.stopReason).toBe('max-new-tokens');
      expect(result.promptIds).toEqual(promptIds);
      expect(result.stats.ttftMs).toBeGreaterThanOrEqual(0);
      expect(result.stats.decodeTokensPerSecond).toBeGreaterThan(0);
    }
  });

  it('uses prefill for the prompt and decode for new tokens when the program has that pair', async () => {
    const module = await Module.fromProgram(toyProgram({ vocabularySize, maxContext: 32, maxTokensPerCall: 8, eosId: 1000, prefillDecodePair: true }), {
      operators: toyOperators(),
      shareMemoryArenas: true,
    });
    const result = await generate(module, { promptIds, maxNewTokens: 10 });
    expect(result.generatedIds).toEqual(toyGreedyTokens(promptIds, 10, vocabularySize));
  });

  it('starts over from position 0 on every call, so repeated generations agree', async () => {
    const module = await toyModule();
    const first = await generate(module, { promptIds, maxNewTokens: 6 });
    const second = await generate(module, { promptIds: [7, 7], maxNewTokens: 3 });
    const third = await generate(module, { promptIds, maxNewTokens: 6 });
    expect(second.generatedIds).toEqual(toyGreedyTokens([7, 7], 3, vocabularySize));
    expect(third.generatedIds).toEqual(first.generatedIds);
  });

  it('counts the prompt with maxTotalTokens (run.c steps) and reports the prompt first', async () => {
    const module = await toyModule();
    const prompts: (readonly number[])[] = [];
    const result = await generate(module, { promptIds, maxTotalTokens: 15, maxNewTokens: 10, onPrompt: (ids) => prompts.push(ids) });
    expect(prompts).toEqual([promptIds]);
    expect(result.generatedIds).toEqual(toyGreedyTokens(promptIds, 4, vocabularySize));
    expect(result.stopReason).toBe('max-new-tokens');
  });

  it('returns the logits row each token was chosen from', async () => {
    const module = await toyModule();
    const result = await generate(module, { promptIds, maxNewTokens: 4, returnLogits: true });
    expect(result.logits).toHaveLength(4);
    result.logits!.forEach((row, i) => {
      expect(row).toHaveLength(vocabularySize);
      expect(row.indexOf(Math.max(...row))).toBe(result.generatedIds[i]);
    });
  });

  it('stops at an EOS id from get_eos_ids, keeping it in the ids', async () => {
    const expected = toyGreedyTokens(promptIds, 5, vocabularySize);
    const module = await toyModule({ eosId: expected[2]! });
    const result = await generate(module, { promptIds, maxNewTokens: 20 });
    expect(result.stopReason).toBe('eos');
    expect(result.generatedIds).toEqual(expected.slice(0, expected.indexOf(expected[2]!) + 1));
    const past = await generate(module, { promptIds, maxNewTokens: 5, ignoreEos: true });
    expect(past).toMatchObject({ stopReason: 'max-new-tokens', generatedIds: expected });
  });

  it('stops with cache-full when the cache has no room for the next token', async () => {
    const module = await toyModule({ maxContext: 16 });
    const result = await generate(module, { promptIds, maxNewTokens: 100 });
    expect(result.stopReason).toBe('cache-full');
    // The prompt fills 11 positions; tokens 1…5 go into positions 11…15, token 6 needs none.
    expect(result.generatedIds).toEqual(toyGreedyTokens(promptIds, 6, vocabularySize));
  });

  it('rejects a prompt longer than the cache with a typed error', async () => {
    const module = await toyModule({ maxContext: 8 });
    await expect(generate(module, { promptIds })).rejects.toBeInstanceOf(PromptTooLongError);
  });

  it('warns exactly once about cache options, which change nothing', async () => {
    const module = await toyModule();
    const warn = vi.fn();
    const result = await generate(module, {
      promptIds,
      maxNewTokens: 3,
      cacheImplementation: 'dynamic',
      maxCacheLength: 4096,
      cacheConfig: { batch_size: 2 },
      logger: { warn },
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/cacheImplementation, cacheConfig, maxCacheLength/);
    expect(result.generatedIds).toEqual(toyGreedyTokens(promptIds, 3, vocabularySize));
    const quiet = vi.fn();
    await generate(module, { promptIds, maxNewTokens: 1, logger: { warn: quiet } });
    expect(quiet).not.toHaveBeenCalled();
  });

  it('aborts through its signal between tokens', async () => {
    const module = await toyModule();
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await generate(module, {
      promptIds,
      maxNewTokens: 20,
      signal: controller.signal,
      onToken: (id) => {
        seen.push(id);
        if (seen.length === 3) controller.abort();
      },
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.generatedIds).toHaveLength(3);
    expect(seen).toEqual(result.generatedIds);
    const already = await generate(module, { promptIds, signal: AbortSignal.abort() });
    expect(already).toMatchObject({ stopReason: 'aborted', generatedIds: [] });
  });

  it('sampling is reproducible with a seed and stays within top-k', async () => {
    const module = await toyModule();
    const options = { promptIds, maxNewTokens: 8, temperature: 1.5, topK: 3, seed: 1234, returnLogits: true };
    const first = await generate(module, options);
    const second = await generate(module, options);
    expect(second.generatedIds).toEqual(first.generatedIds);
    first.logits!.forEach((row, i) => {
      const rank = [...row].sort((a, b) => b - a).indexOf(row[first.generatedIds[i]!]!);
      expect(rank).toBeLessThan(3);
    });
    const other = await generate(module, { ...options, seed: 99 });
    expect(other.generatedIds).not.toEqual(first.generatedIds);
  });

  it('streams tokens through an async iterator whose return value is the result', async () => {
    const module = await toyModule();
    const stream = generateStream(module, { promptIds, maxNewTokens: 5 });
    const ids: number[] = [];
    let step = await stream.next();
    while (!step.done) {
      ids.push(step.value.id);
      step = await stream.next();
    }
    expect(ids).toEqual(step.value.generatedIds);
    expect(ids).toEqual(toyGreedyTokens(promptIds, 5, vocabularySize));
  });

  it('refuses a second generation on a module that is still generating', async () => {
    const module = await toyModule();
    const running = generate(module, { promptIds, maxNewTokens: 5 });
    await expect(generate(module, { promptIds, maxNewTokens: 5 })).rejects.toThrow(/already generating/);
    expect((await running).generatedIds).toEqual(toyGreedyTokens(promptIds, 5, vocabularySize));
    expect((await generate(module, { promptIds, maxNewTokens: 2 })).generatedIds).toHaveLength(2);
  });

  it('needs exactly one of prompt, messages and promptIds, and a tokenizer for text', async () => {
    const module = await toyModule();
    await expect(generate(module, {})).rejects.toThrow(/exactly one/);
    await expect(generate(module, { prompt: 'Hello' })).rejects.toThrow(/tokenizer/);
  });
});

const modelDirectory = findSharedData('models/stories260K');

describe.skipIf(!modelDirectory)('generate with a tokenizer on a toy program', () => {
  const tokenizer = () =>
    Tokenizer.fromFiles({
      'tokenizer.json': readFileSync(`${modelDirectory}/tokenizer.json`),
      'tokenizer_config.json': readFileSync(`${modelDirectory}/tokenizer_config.json`),
    });

  it('streams text pieces that add up to the decoded ids, and cuts the text at a stop string', async () => {
    const module = await Module.fromProgram(toyProgram({ vocabularySize: 512, maxContext: 64, maxTokensPerCall: 16, eosId: 2 }), {
      operators: toyOperators(),
    });
    const pieces: string[] = [];
    const full = await generate(module, { tokenizer: tokenizer(), prompt: 'Once upon a time', maxNewTokens: 24, onToken: (_id, text) => pieces.push(text) });
    expect(full.promptIds).toEqual(tokenizer().encode('Once upon a time'));
    expect(full.text).toBe(tokenizer().decode(full.generatedIds, { skipSpecialTokens: true }));
    expect(pieces.join('')).toBe(full.text);
    const stop = full.text.slice(Math.floor(full.text.length / 2), Math.floor(full.text.length / 2) + 2);
    const cut = await generate(module, { tokenizer: tokenizer(), prompt: 'Once upon a time', maxNewTokens: 24, stop: [stop, '\u0000never'] });
    expect(cut.stopReason).toBe('stop-string');
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(full.generatedIds.slice(0, cut.generatedIds.length)).toEqual(cut.generatedIds);
  });
});
