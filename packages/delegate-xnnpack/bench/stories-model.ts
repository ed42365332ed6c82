/**
 * The stories260K checkpoint in `../shared/models/stories260K` as a benchmark model.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LlamaBenchModel } from './llama-weights.js';
import { readSafetensorsF32 } from './llama-weights.js';

interface LlamaConfig {
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim?: number;
  vocab_size: number;
  max_position_embeddings: number;
  rms_norm_eps: number;
  rope_theta: number;
  tie_word_embeddings?: boolean;
}

/** Loads a float32 Hugging Face Llama folder (config.json + model.safetensors) as a benchmark model. */
export async function loadLlamaFolder(id: string, folder: string): Promise<LlamaBenchModel> {
  const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8')) as LlamaConfig;
  const tensor = await readSafetensorsF32(join(folder, 'model.safetensors'));
  return {
    id,
    shape: {
      hiddenSize: config.hidden_size,
      intermediateSize: config.intermediate_size,
      layers: config.num_hidden_layers,
      heads: config.num_attention_heads,
      kvHeads: config.num_key_value_heads,
      headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
      vocabSize: config.vocab_size,
      contextLength: config.max_position_embeddings,
      rmsNormEps: config.rms_norm_eps,
      ropeTheta: config.rope_theta,
    },
    tiedEmbeddings: config.tie_word_embeddings ?? false,
    tensor,
  };
}
