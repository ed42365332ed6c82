/**
 * Writes etch's built-in example model (packages/cli/example-model/): a tiny Llama-shaped
 * checkpoint with a Llama-style SentencePiece BPE tokenizer, generated deterministically so the
 * committed files can be reproduced byte for byte:
 *
 *   node --conditions=@etch/source --import tsx tools/make-example-model.ts
 *
 * The weights are random except for two parts chosen so that greedy decoding tells a sentence:
 * the output head scores, for each word, the word that follows it in SENTENCE (a bigram table
 * written into the head through each word's normalized embedding), and the attention and MLP
 * output projections are small enough not to change that choice. Every layer still runs, so the
 * model exercises the whole pipeline while printing something readable offline.
 */

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';

const SENTENCE =
  'Hello world! This tiny model was exported by etch, straight from TypeScript to an ExecuTorch program. It runs here without Python.';

const HIDDEN = 64;
const INTERMEDIATE = 128;
const LAYERS = 2;
const HEADS = 4;
const KV_HEADS = 2;
const HEAD_DIM = HIDDEN / HEADS;
const SPECIALS = ['<unk>', '<s>', '</s>'];
const BOS = 1;
const EOS = 2;

/** xorshift32 → uniform [0, 1); Box–Muller for normals. Deterministic across platforms. */
function createRandom(seed: number) {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return (std: number) => {
    const u = Math.max(uniform(), 1e-12);
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** BPE merges that make every word of the corpus a single token (most frequent pair first). */
function trainMerges(words: string[]): string[] {
  let pieces = words.map((w) => [...w]);
  const merges: string[] = [];
  for (;;) {
    const counts = new Map<string, number>();
    for (const piece of pieces) for (let i = 0; i + 1 < piece.length; i++) {
      const pair = `${piece[i]} ${piece[i + 1]}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    if (counts.size === 0) return merges;
    const [best] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    merges.push(best);
    const [left, right] = best.split(' ') as [string, string];
    pieces = pieces.map((piece) => {
      const merged: string[] = [];
      for (let i = 0; i < piece.length; i++) {
        if (piece[i] === left && piece[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else merged.push(piece[i]!);
      }
      return merged;
    });
  }
}

function buildTokenizer() {
  const words = SENTENCE.split(' ').map((w) => `▁${w}`);
  const merges = trainMerges([...new Set(words)]);
  const vocab: Record<string, number> = {};
  const add = (token: string) => {
    if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  };
  SPECIALS.forEach(add);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  for (const ch of [...new Set([...SENTENCE.replaceAll(' ', '▁'), '▁'])].sort()) add(ch);
  for (const merge of merges) add(merge.replace(' ', ''));
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [BOS], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges },
  };
  const tokenizerConfig = {
    add_bos_token: true,
    add_eos_token: false,
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: null,
    clean_up_tokenization_spaces: false,
    legacy: true,
    model_max_length: 256,
    tokenizer_class: 'LlamaTokenizer',
    chat_template: "{% for message in messages %}{{ message['content'] }}{% if not loop.last %} {% endif %}{% endfor %}",
  };
  return { tokenizerJson, tokenizerConfig, words, vocab };
}

/** Safetensors: 8-byte little-endian header length, JSON header, then the tensors' bytes. */
function safetensors(tensors: [string, number[], Float32Array][]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', producer: 'etch tools/make-example-model.ts' } };
  let offset = 0;
  for (const [name, shape, data] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const [, , data] of tensors) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

function main() {
  const { tokenizerJson, tokenizerConfig, words, vocab } = buildTokenizer();
  const tokenizer = new Tokenizer(tokenizerJson as never, tokenizerConfig as never);
  const ids = words.map((w) => {
    const encoded = tokenizer.encode(w.slice(1), { add_special_tokens: false }).ids;
    if (encoded.length !== 1) throw new Error(`'${w}' is not a single token: ${encoded.join(',')}`);
    return encoded[0]!;
  });
  const vocabSize = Object.keys(vocab).length;
  const normal = createRandom(20261123);
  const matrix = (rows: number, cols: number, std: number) => Float32Array.from({ length: rows * cols }, () => normal(std));
  const embed = matrix(vocabSize, HIDDEN, 1);
  // Each token's successor: BOS starts the sentence, its last word ends it.
  const successor = new Map<number, number>([[BOS, ids[0]!]]);
  ids.forEach((id, i) => successor.set(id, ids[i + 1] ?? EOS));
  const head = matrix(vocabSize, HIDDEN, 0.02);
  for (const [token, next] of successor) {
    const row = embed.subarray(token * HIDDEN, (token + 1) * HIDDEN);
    const norm = Math.hypot(...row);
    for (let k = 0; k < HIDDEN; k++) head[next * HIDDEN + k] = Math.fround(head[next * HIDDEN + k]! + (2 * row[k]!) / norm);
  }
  const tensors: [string, number[], Float32Array][] = [['model.embed_tokens.weight', [vocabSize, HIDDEN], embed]];
  const ones = (n: number) => new Float32Array(n).fill(1);
  for (let l = 0; l < LAYERS; l++) {
    const p = `model.layers.${l}`;
    tensors.push(
      [`${p}.input_layernorm.weight`, [HIDDEN], ones(HIDDEN)],
      [`${p}.self_attn.q_proj.weight`, [HEADS * HEAD_DIM, HIDDEN], matrix(HEADS * HEAD_DIM, HIDDEN, 0.25)],
      [`${p}.self_attn.k_proj.weight`, [KV_HEADS * HEAD_DIM, HIDDEN], matrix(KV_HEADS * HEAD_DIM, HIDDEN, 0.25)],
      [`${p}.self_attn.v_proj.weight`, [KV_HEADS * HEAD_DIM, HIDDEN], matrix(KV_HEADS * HEAD_DIM, HIDDEN, 0.25)],
      [`${p}.self_attn.o_proj.weight`, [HIDDEN, HEADS * HEAD_DIM], matrix(HIDDEN, HEADS * HEAD_DIM, 0.02)],
      [`${p}.post_attention_layernorm.weight`, [HIDDEN], ones(HIDDEN)],
      [`${p}.mlp.gate_proj.weight`, [INTERMEDIATE, HIDDEN], matrix(INTERMEDIATE, HIDDEN, 0.25)],
      [`${p}.mlp.up_proj.weight`, [INTERMEDIATE, HIDDEN], matrix(INTERMEDIATE, HIDDEN, 0.25)],
      [`${p}.mlp.down_proj.weight`, [HIDDEN, INTERMEDIATE], matrix(HIDDEN, INTERMEDIATE, 0.02)],
    );
  }
  tensors.push(['model.norm.weight', [HIDDEN], ones(HIDDEN)], ['lm_head.weight', [vocabSize, HIDDEN], head]);

  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: HIDDEN,
    intermediate_size: INTERMEDIATE,
    num_hidden_layers: LAYERS,
    num_attention_heads: HEADS,
    num_key_value_heads: KV_HEADS,
    head_dim: HEAD_DIM,
    hidden_act: 'silu',
    max_position_embeddings: 256,
    rms_norm_eps: 1e-5,
    rope_theta: 10000.0,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: false,
    vocab_size: vocabSize,
    bos_token_id: BOS,
    eos_token_id: EOS,
    torch_dtype: 'float32',
  };
  const generationConfig = { bos_token_id: BOS, eos_token_id: EOS, cache_implementation: 'static', cache_config: { max_cache_len: 128, batch_size: 1 } };

  const directory = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'example-model');
  mkdirSync(directory, { recursive: true });
  const write = (name: string, data: string | Uint8Array) => {
    const path = join(directory, name);
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  };
  write('config.json', `${JSON.stringify(config, null, 2)}\n`);
  write('generation_config.json', `${JSON.stringify(generationConfig, null, 2)}\n`);
  write('tokenizer.json', `${JSON.stringify(tokenizerJson)}\n`);
  write('tokenizer_config.json', `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  write('model.safetensors', safetensors(tensors));
  console.log(`wrote ${directory}: vocab ${vocabSize}, ${tensors.length} tensors, sentence of ${ids.length} tokens`);
}

main();
