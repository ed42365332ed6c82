import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from './tokenizer.js';

const modelDirectory = findSharedData('models/stories260K');

function storiesTokenizer(config: Record<string, unknown> = {}): Tokenizer {
  const baseConfig = JSON.parse(readFileSync(`${modelDirectory}/tokenizer_config.json`, 'utf8')) as Record<string, unknown>;
  return Tokenizer.fromFiles({
    'tokenizer.json': readFileSync(`${modelDirectory}/tokenizer.json`),
    'tokenizer_config.json': JSON.stringify({ ...baseConfig, ...config }),
  });
}

describe.skipIf(!modelDirectory)('Tokenizer (stories260K, SentencePiece BPE with byte fallback)', () => {
  const reference = JSON.parse(readFileSync(`${modelDirectory}/reference/tokenizer_reference.json`, 'utf8')) as {
    text: string;
    ids: number[];
    decoded: string;
  }[];

  it('encodes and decodes like the reference tokenizer', () => {
    const tokenizer = storiesTokenizer();
    for (const entry of reference) {
      expect(tokenizer.encode(entry.text)).toEqual(entry.ids);
      expect(tokenizer.decode(entry.ids, { skipSpecialTokens: true })).toBe(entry.decoded);
    }
  });

  it('knows its special tokens and can leave them out', () => {
    const tokenizer = storiesTokenizer();
    expect(tokenizer.bosTokenId).toBe(1);
    expect(tokenizer.eosTokenIds).toEqual([2]);
    expect(tokenizer.encode('Hello world', { addSpecialTokens: false })).toEqual(reference[1]!.ids.slice(1));
    expect(tokenizer.decode([1, 346, 306], { skipSpecialTokens: false }).startsWith('<s>')).toBe(true);
  });

  it('streams text whose concatenation equals the full decode, never splitting a character', () => {
    const tokenizer = storiesTokenizer();
    for (const entry of reference) {
      const ids = entry.ids.slice(1);
      const decoder = tokenizer.createIncrementalDecoder();
      const pieces = ids.map((id) => decoder.push(id));
      pieces.push(decoder.flush());
      expect(pieces.join('')).toBe(tokenizer.decode(ids));
      for (const piece of pieces) expect(piece).not.toContain('\uFFFD');
    }
  });

  it('renders a chat template with the special tokens transformers passes', () => {
    const tokenizer = storiesTokenizer({
      chat_template:
        "{{ bos_token }}{% for message in messages %}[{{ message.role }}] {{ message.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}",
    });
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ];
    expect(tokenizer.applyChatTemplate(messages)).toBe('<s>[system] Be brief.</s>[user] Hi</s>[assistant] ');
    expect(tokenizer.applyChatTemplate(messages, { addGenerationPrompt: false })).toBe('<s>[system] Be brief.</s>[user] Hi</s>');
  });

  it('takes a chat template from chat_template.jinja and extra EOS ids from generation_config.json', () => {
    const tokenizer = Tokenizer.fromFiles({
      'tokenizer.json': readFileSync(`${modelDirectory}/tokenizer.json`),
      'tokenizer_config.json': readFileSync(`${modelDirectory}/tokenizer_config.json`),
      'generation_config.json': JSON.stringify({ eos_token_id: [2, 13] }),
      'chat_template.jinja': '{% for message in messages %}{{ message.content }}{% endfor %}',
    });
    expect(tokenizer.eosTokenIds).toEqual([2, 13]);
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'Hi' }])).toBe('Hi');
  });

  it('without a chat template, messages are a clear error', () => {
    expect(() => storiesTokenizer().applyChatTemplate([{ role: 'user', content: 'Hi' }])).toThrow(InvalidArgumentError);
  });

  it('reads tokenizer files embedded in named data', () => {
    const files = new Map([
      ['tokenizer.json', readFileSync(`${modelDirectory}/tokenizer.json`)],
      ['tokenizer_config.json', readFileSync(`${modelDirectory}/tokenizer_config.json`)],
    ]);
    const tokenizer = Tokenizer.fromModule({ namedData: (key) => files.get(key) });
    expect(tokenizer!.encode(reference[0]!.text)).toEqual(reference[0]!.ids);
    expect(Tokenizer.fromModule({ namedData: () => undefined })).toBeUndefined();
  });
});
