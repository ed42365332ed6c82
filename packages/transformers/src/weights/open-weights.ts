/**
 * Finds a checkpoint folder's weights the way transformers does: a single `model.safetensors`,
 * else the sharded `model.safetensors.index.json`. PyTorch pickles are never read.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '@etch/core';
import { SafetensorsFile } from './safetensors-file.js';
import { ShardedSafetensors } from './sharded-safetensors.js';

/** The single-file weights name transformers writes. */
export const SAFETENSORS_FILE = 'model.safetensors';
/** The shard index name transformers writes for split checkpoints. */
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';

/** A lazily read checkpoint: one file or a set of shards. */
export type CheckpointWeights = SafetensorsFile | ShardedSafetensors;

/**
 * Opens the weights of a Hugging Face model folder (headers only).
 * @throws CheckpointError `CHECKPOINT_MISSING` when the folder holds neither file.
 */
export function openWeights(directory: string): CheckpointWeights {
  const single = join(directory, SAFETENSORS_FILE);
  if (existsSync(single)) return SafetensorsFile.open(single);
  const index = join(directory, SAFETENSORS_INDEX_FILE);
  if (existsSync(index)) return ShardedSafetensors.open(index);
  const pickle = existsSync(join(directory, 'pytorch_model.bin'));
  throw new CheckpointError('CHECKPOINT_MISSING', single, `neither ${SAFETENSORS_FILE} nor ${SAFETENSORS_INDEX_FILE} is in ${directory}`, {
    hint: pickle
      ? 'this folder only has pytorch_model.bin; etch reads safetensors only (convert it, or use a revision of the repo that has safetensors)'
      : 'point at a Hugging Face model folder that holds safetensors weights',
  });
}
