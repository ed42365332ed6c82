/**
 * Turns a Llama checkpoint (Hugging Face tensor names, float32) into GGUF contents for llama.cpp:
 * architecture metadata, a minimal SentencePiece-style vocabulary (special tokens, the 256 byte
 * tokens, placeholders) that llama.cpp's loader accepts, tensors renamed to llama.cpp's names,
 * q/k rows permuted to llama.cpp's interleaved RoPE layout (as its converter does), and 2-D
 * weights quantized to Q8_0 / Q4_0 with llama.cpp's reference quantizers.
 */

import { GGML_BLOCK_SIZE, quantizeRowQ4_0, quantizeRowQ8_0 } from './ggml-quantize.js';
import { GgmlType, type GgufContents, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** The shape of a Llama model. */
export interface LlamaShape {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly rmsNormEps: number;
  readonly ropeTheta: number;
}

/** Precision of the 2-D weights in the file (norms always stay F32). */
export type GgufPrecision = 'F32' | 'Q8_0' | 'Q4_0';

/** Looks up a float32 tensor by Hugging Face name (`model.layers.0.self_attn.q_proj.weight`, …). */
export type LlamaTensorSource = (name: string) => Float32Array;

/** Permutes q/k projection rows from rotate-half to llama.cpp's interleaved pairs, per head. */
export function permuteForRope(weights: Float32Array, heads: number, columns: number): Float32Array {
  const rows = weights.length / columns;
  const headDim = rows / heads;
  const half = headDim / 2;
  const output = new Float32Array(weights.length);
  for (let head = 0; head < heads; head++) {
    for (let index = 0; index < half; index++) {
      for (let pair = 0; pair < 2; pair++) {
        const target = head * headDim + index * 2 + pair;
        const source = head * headDim + pair * half + index;
        output.set(weights.subarray(source * columns, (source + 1) * columns), target * columns);
      }
    }
  }
  return output;
}

function encodeMatrix(name: string, weights: Float32Array, rows: number, columns: number, precision: GgufPrecision): GgufTensor {
  const dimensions = [columns, rows];
  if (precision === 'F32' || columns % GGML_BLOCK_SIZE !== 0) {
    return { name, dimensions, ggmlType: GgmlType.F32, data: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) };
  }
  const quantize = precision === 'Q8_0' ? quantizeRowQ8_0 : quantizeRowQ4_0;
  const parts: Uint8Array[] = [];
  for (let row = 0; row < rows; row++) parts.push(quantize(weights.subarray(row * columns, (row + 1) * columns)));
  const data = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { name, dimensions, ggmlType: precision === 'Q8_0' ? GgmlType.Q8_0 : GgmlType.Q4_0, data };
}

function vector(name: string, values: Float32Array): GgufTensor {
  return { name, dimensions: [values.length], ggmlType: GgmlType.F32, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Token strings and types: <unk>, <s>, </s>, 256 byte tokens, then placeholders up to `vocabSize`. */
export function minimalVocabulary(vocabSize: number): { tokens: string[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  if (vocabSize < tokens.length) throw new Error(`vocabulary of ${vocabSize} is too small for the ${tokens.length} required tokens`);
  while (tokens.length < vocabSize) {
    tokens.push(`▁t${tokens.length}`);
    types.push(1);
  }
  return { tokens, types };
}

/** GGUF contents for a Llama model whose float32 tensors `source` returns; `lm_head.weight` may be absent when tied. */
export function llamaGguf(shape: LlamaShape, source: LlamaTensorSource, precision: GgufPrecision, options: { tiedEmbeddings: boolean; name?: string }): GgufContents {
  const { hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, vocabSize } = shape;
  const { tokens, types } = minimalVocabulary(vocabSize);
  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'etch benchmark model' }],
    ['general.file_type', { type: 'uint32', value: precision === 'F32' ? 0 : precision === 'Q8_0' ? 7 : 2 }],
    ['llama.context_length', { type: 'uint32', value: shape.contextLength }],
    ['llama.embedding_length', { type: 'uint32', value: hiddenSize }],
    ['llama.block_count', { type: 'uint32', value: layers }],
    ['llama.feed_forward_length', { type: 'uint32', value: intermediateSize }],
    ['llama.rope.dimension_count', { type: 'uint32', value: headDim }],
    ['llama.attention.head_count', { type: 'uint32', value: heads }],
    ['llama.attention.head_count_kv', { type: 'uint32', value: kvHeads }],
    ['llama.attention.key_length', { type: 'uint32', value: headDim }],
    ['llama.attention.value_length', { type: 'uint32', value: headDim }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: shape.rmsNormEps }],
    ['llama.rope.freq_base', { type: 'float32', value: shape.ropeTheta }],
    ['llama.vocab_size', { type: 'uint32', value: vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: new Float32Array(vocabSize) }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
  ]);
  const embeddings = source('model.embed_tokens.weight');
  const tensors: GgufTensor[] = [encodeMatrix('token_embd.weight', embeddings, vocabSize, hiddenSize, precision)];
  for (let layer = 0; layer < layers; layer++) {
    const prefix = `model.layers.${layer}.`;
    const block = `blk.${layer}.`;
    const matrix = (name: string, from: string, rows: number, columns: number, ropeHeads?: number) => {
      const weights = source(prefix + from);
      tensors.push(encodeMatrix(block + name, ropeHeads ? permuteForRope(weights, ropeHeads, columns) : weights, rows, columns, precision));
    };
    tensors.push(vector(`${block}attn_norm.weight`, source(`${prefix}input_layernorm.weight`)));
    matrix('attn_q.weight', 'self_attn.q_proj.weight', heads * headDim, hiddenSize, heads);
    matrix('attn_k.weight', 'self_attn.k_proj.weight', kvHeads * headDim, hiddenSize, kvHeads);
    matrix('attn_v.weight', 'self_attn.v_proj.weight', kvHeads * headDim, hiddenSize);
    matrix('attn_output.weight', 'self_attn.o_proj.weight', hiddenSize, heads * headDim);
    tensors.push(vector(`${block}ffn_norm.weight`, source(`${prefix}post_attention_layernorm.weight`)));
    matrix('ffn_gate.weight', 'mlp.gate_proj.weight', intermediateSize, hiddenSize);
    matrix('ffn_up.weight', 'mlp.up_proj.weight', intermediateSize, hiddenSize);
    matrix('ffn_down.weight', 'mlp.down_proj.weight', hiddenSize, intermediateSize);
  }
  tensors.push(vector('output_norm.weight', source('model.norm.weight')));
  const head = options.tiedEmbeddings ? embeddings : source('lm_head.weight');
  tensors.push(encodeMatrix('output.weight', head, vocabSize, hiddenSize, precision));
  return { metadata, tensors };
}
