/**
 * Writes a benchmark model as a Hugging Face folder (config.json + float32 model.safetensors), so
 * the end-to-end benchmark loads it through `AutoModelForCausalLM.fromPretrained` like any
 * checkpoint.
 */

import { open, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LlamaBenchModel, llamaTensorShape } from './llama-weights.js';

/** Hugging Face names of every tensor the model stores (no lm_head when tied). */
export function llamaTensorNames(model: LlamaBenchModel): string[] {
  const names = ['model.embed_tokens.weight'];
  for (let layer = 0; layer < model.shape.layers; layer++) {
    const prefix = `model.layers.${layer}.`;
    for (const suffix of ['input_layernorm', 'self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.o_proj', 'post_attention_layernorm', 'mlp.gate_proj', 'mlp.up_proj', 'mlp.down_proj']) {
      names.push(`${prefix}${suffix}.weight`);
    }
  }
  names.push('model.norm.weight');
  if (!model.tiedEmbeddings) names.push('lm_head.weight');
  return names;
}

/** Writes `model` into `directory` as config.json and model.safetensors. */
export async function writeLlamaFolder(model: LlamaBenchModel, directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const { shape } = model;
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    head_dim: shape.headDim,
    vocab_size: shape.vocabSize,
    max_position_embeddings: shape.contextLength,
    rms_norm_eps: shape.rmsNormEps,
    rope_theta: shape.ropeTheta,
    tie_word_embeddings: model.tiedEmbeddings,
    hidden_act: 'silu',
    attention_bias: false,
    mlp_bias: false,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: 'float32',
  };
  await writeFile(join(directory, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const names = llamaTensorNames(model);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const name of names) {
    const dimensions = llamaTensorShape(shape, name);
    const bytes = dimensions.reduce((product, dimension) => product * dimension, 4);
    header[name] = { dtype: 'F32', shape: dimensions, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let headerText = JSON.stringify(header);
  headerText += ' '.repeat((8 - (headerText.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(headerText);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  const file = await open(join(directory, 'model.safetensors'), 'w');
  try {
    await file.write(length);
    await file.write(headerBytes);
    for (const name of names) {
      const values = model.tensor(name);
      await file.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
  } finally {
    await file.close();
  }
}
