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

/** Tokenizer files by their Hugging Face names. */
export interface TokenizerFiles {
  'tokenizer.json': TokenizerFileContents;
  'tokenizer_config.json'?: TokenizerFileContents;
  /** Its `eos_token_id` (a number or a list) adds end-of-sequence ids, as transformers' generate uses them. */
  'generation_config.json'?: TokenizerFileContents;
  /** A chat template kept beside the config (newer transformers), used when the config has none. */
  'chat_template.jinja'?: TokenizerFileContents;
}

/** The files `fromFiles` reads, which `fromModule` looks up in named data under the same keys. */
const TOKENIZER_FILE_KEYS = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'chat_template.jinja'] as const;

/** What `Tokenizer.fromModule` needs of a module: its named data. */
export interface NamedDataSource {
  namedData(key: string): Uint8Array | undefined;
}

/** One turn of a conversation, as chat templates expect it. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** Add BOS/EOS as the tokenizer's post-processor says (default true, as in transformers). */
  addSpecialTokens?: boolean;
}

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Leave out special tokens such as `<s>` (default false). */
  skipSpecialTokens?: boolean;
}

/** Options of `Tokenizer.applyChatTemplate`. */
export interface ChatTemplateOptions {
  /** End with the tokens that start an assistant turn (default true). */
  addGenerationPrompt?: boolean;
  /** Extra template variables (tools, documents, …). */
  variables?: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

function parseJson(contents: TokenizerFileContents, file: string): JsonObject {
  const text = textOf(contents);
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

function textOf(contents: TokenizerFileContents): string {
  return typeof contents === 'string' ? contents : new TextDecoder().decode(contents);
}

/** `eos_token_id` of a generation config: a number, a list of numbers, or absent. */
function generationEosIds(config: JsonObject): number[] {
  const value = config.eos_token_id;
  const ids = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (ids.some((id) => !Number.isInteger(id))) throw new InvalidArgumentError('generation_config.json', `eos_token_id must be an integer or a list of integers`);
  return ids as number[];
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

/** A Hugging Face tokenizer with the special tokens and chat template generation needs. */
export class Tokenizer {
  private readonly tokenizer: HuggingFaceTokenizer;
  private readonly config: JsonObject;
  private template: Template | undefined;
  /** The id of the beginning-of-sequence token, when the tokenizer has one. */
  readonly bosTokenId: number | undefined;
  /** Ids that end generation: the tokenizer's EOS token (generation configs may add more). */
  readonly eosTokenIds: readonly number[];

  private readonly chatTemplateFile: string | undefined;

  private constructor(tokenizerJson: JsonObject, config: JsonObject, generationConfig: JsonObject, chatTemplateFile: string | undefined) {
    this.tokenizer = new HuggingFaceTokenizer(tokenizerJson, config);
    this.config = config;
    this.chatTemplateFile = chatTemplateFile;
    this.bosTokenId = this.idOf(tokenContent(config.bos_token));
    const eos = this.idOf(tokenContent(config.eos_token));
    this.eosTokenIds = [...new Set([...(eos === undefined ? [] : [eos]), ...generationEosIds(generationConfig)])];
  }

  /** From the file contents (only `tokenizer.json` is required; without the config no special tokens are known by role). */
  static fromFiles(files: TokenizerFiles): Tokenizer {
    const json = files['tokenizer.json'];
    if (json === undefined) throw new InvalidArgumentError('tokenizer.json', 'is required');
    const optionalJson = (key: 'tokenizer_config.json' | 'generation_config.json') => {
      const contents = files[key];
      return contents === undefined ? {} : parseJson(contents, key);
    };
    const template = files['chat_template.jinja'];
    return new Tokenizer(
      parseJson(json, 'tokenizer.json'),
      optionalJson('tokenizer_config.json'),
      optionalJson('generation_config.json'),
      template === undefined ? undefined : textOf(template),
    );
  }

  /**
   * From the `tokenizer.json` (and `tokenizer_config.json`) embedded in a program's named data;
   * undefined when the program embeds no tokenizer.
   */
  static fromModule(module: NamedDataSource): Tokenizer | undefined {
    if (!module.namedData('tokenizer.json')) return undefined;
    const files: Partial<Record<keyof TokenizerFiles, Uint8Array>> = {};
    for (const key of TOKENIZER_FILE_KEYS) {
      const bytes = module.namedData(key);
      if (bytes) files[key] = bytes;
    }
    return Tokenizer.fromFiles(files as TokenizerFiles);
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
      const text = chatTemplateText(this.config) ?? this.chatTemplateFile;
      if (!text) {
        throw new InvalidArgumentError('messages', 'this tokenizer has no chat_template', {
          hint: 'pass a prompt instead of messages, or give a tokenizer_config.json with a chat_template (or chat_template.jinja)',
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
