import { readFileSync } from 'node:fs';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { Module } from '../module/module.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { generate } from './generate.js';

const modelDirectory = findSharedData('models/stories260K');

describe.each(['portable_static', 'portable_dynamic'])('generate on upstream stories260K %s', (variant) => {
  const programPath = findSharedData(`conformance/upstream-llm/stories260K/${variant}.pte`);

  it.skipIf(!programPath || !modelDirectory)('greedy text equals llama2.c run.c on the same checkpoint', async () => {
    const reference = JSON.parse(readFileSync(`${modelDirectory}/reference/once_upon_a_time.json`, 'utf8')) as {
      prompt: string;
      prompt_ids: number[];
      generated_ids: number[];
    };
    const tokenizer = Tokenizer.fromFiles({
      'tokenizer.json': readFileSync(`${modelDirectory}/tokenizer.json`),
      'tokenizer_config.json': readFileSync(`${modelDirectory}/tokenizer_config.json`),
    });
    const module = await Module.load(programPath!);
    const count = reference.generated_ids.length;
    const result = await generate(module, { tokenizer, prompt: reference.prompt, maxNewTokens: count });
    expect(result.promptIds).toEqual(reference.prompt_ids);
    expect(result.generatedIds).toEqual(reference.generated_ids);
    expect(result.text).toBe(tokenizer.decode(reference.generated_ids, { skipSpecialTokens: true }));
  });
});
