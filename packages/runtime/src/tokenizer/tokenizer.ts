/**
 * Text ↔ token ids for generation, from Hugging Face tokenizer files (`tokenizer.json`,
 * `tokenizer_config.json`) given directly or embedded in a `.pte`'s named data. Tokenization itself
 * is @huggingface/tokenizers; chat templates are rendered with @huggingface/jinja, with the
 * variables transformers passes (`messages`, `add_generation_prompt`, the special tokens).
 */

import { InvalidArgumentError } from '@etch/core';
import { Template } from '@huggingface/jinja';
import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { IncrementalDecoder } from './incremental-decoder.js';

/** Tokenizer file contents: the JSON text or its UTF-8 bytes. */
export type TokenizerFileContents = Uint8Array | string;

export interface TokenizerFiles {
  'tokenizer.json': TokenizerFileContents;
  'tokenizer_config.json'?: TokenizerFileContents;
}

/** What `Tokenizer.fromModule` needs of a module: its named data. */
export interface NamedDataSource {
  namedData(key: string): Uint8Array | undefined;
}

export interface ChatMessage {
  role: string;
  content: string;
}

export interface EncodeOptions {
  /** Add BOS/EOS as the tokenizer's post-processor says (default true, as in transformers). */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Leave out special tokens such as `<s>` (default false). */
  skipSpecialTokens?: boolean;
}

export interface ChatTemplateOptions {
  /** End with the tokens that start an assistant turn (default true). */
  addGenerationPrompt?: boolean;
  /** Extra template variables (tools, documents, …). */
  variables?: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

function parseJson(contents: TokenizerFileContents, file: string): JsonObject {
  const text = typeof contents === 'string' ? contents : new TextDecoder().decode(contents);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as JsonObject;
  } catch (error) {
    throw new InvalidArgumentError(file, `is not a valid JSON object: ${(error as Error).message}`, { cause: error });
  }
}

/** A special token in tokenizer_config.json: a string or an AddedToken object with `content`. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as JsonObject).content === 'string') return (value as JsonObject).content as string;
  return undefined;
}

function chatTemplateText(config: JsonObject): string | undefined {
  const template = config.chat_template;
  if (typeof template === 'string') return template;
  if (Array.isArray(template)) {
    const named = template as { name?: string; template?: string }[];
    return (named.find((entry) => entry.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

export class Tokenizer {
  private readonly tokenizer: HuggingFaceTokenizer;
  private readonly config: JsonObject;
  private template: Template | undefined;
  /** The id of the beginning-of-sequence token, when the tokenizer has one. */
  readonly bosTokenId: number | undefined;
  /** Ids that end generation: the tokenizer's EOS token (generation configs may add more). */
  readonly eosTokenIds: readonly number[];

  private constructor(tokenizerJson: JsonObject, config: JsonObject) {
    this.tokenizer = new HuggingFaceTokenizer(tokenizerJson, config);
    this.config = config;
    this.bosTokenId = this.idOf(tokenContent(config.bos_token));
    const eos = this.idOf(tokenContent(config.eos_token));
    this.eosTokenIds = eos === undefined ? [] : [eos];
  }

  /** From the file contents (the config is optional; without it no special tokens are known by role). */
  static fromFiles(files: TokenizerFiles): Tokenizer {
    const json = files['tokenizer.json'];
    if (json === undefined) throw new InvalidArgumentError('tokenizer.json', 'is required');
    const config = files['tokenizer_config.json'];
    return new Tokenizer(parseJson(json, 'tokenizer.json'), config === undefined ? {} : parseJson(config, 'tokenizer_config.json'));
  }

  /**
   * From the `tokenizer.json` (and `tokenizer_config.json`) embedded in a program's named data;
   * undefined when the program embeds no tokenizer.
   */
  static fromModule(module: NamedDataSource): Tokenizer | undefined {
    const json = module.namedData('tokenizer.json');
    if (!json) return undefined;
    const config = module.namedData('tokenizer_config.json');
    return Tokenizer.fromFiles({ 'tokenizer.json': json, ...(config ? { 'tokenizer_config.json': config } : {}) });
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The id of a token string, if it is in the vocabulary. */
  idOf(token: string | undefined): number | undefined {
    return token === undefined ? undefined : this.tokenizer.token_to_id(token);
  }

  /** Renders the conversation with the tokenizer's chat template, as transformers does. */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
    if (!this.template) {
      const text = chatTemplateText(this.config);
      if (!text) {
        throw new InvalidArgumentError('messages', 'this tokenizer has no chat_template', {
          hint: 'pass a prompt instead of messages, or use a tokenizer_config.json with a chat_template',
        });
      }
      this.template = new Template(text);
    }
    const specialTokens: JsonObject = {};
    for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
      const content = tokenContent(this.config[key]);
      if (content !== undefined) specialTokens[key] = content;
    }
    return this.template.render({
      ...specialTokens,
      ...options.variables,
      messages,
      add_generation_prompt: options.addGenerationPrompt ?? true,
    });
  }

  /** A decoder that turns ids into text one at a time, holding back incomplete characters. */
  createIncrementalDecoder(options: DecodeOptions = {}): IncrementalDecoder {
    return new IncrementalDecoder((ids) => this.decode(ids, options));
  }
}
