/**
 * A checkpoint split across shards (`model.safetensors.index.json` + `model-0000N-of-0000M.safetensors`)
 * as one lazy `WeightSource`. The index is validated, every shard it names must exist and hold the
 * tensors the index assigns to it; shard headers are read once, tensor data only on `get`.
 */

import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError, type Tensor } from '@etch/core';
import { z } from 'zod';
import { formatIssuePath } from '../config/config-issues.js';
import type { WeightSource } from '../model-contract.js';
import { SafetensorsFile } from './safetensors-file.js';

/** A shard is a plain file name next to the index: no folders, no `..`. */
const shardName = z.string().regex(/^[^/\\]+\.safetensors$/, 'expected a .safetensors file name beside the index (no folders)');

const indexSchema = z.looseObject({
  metadata: z.looseObject({ total_size: z.number().int().nonnegative().optional() }).optional(),
  weight_map: z.record(z.string(), shardName),
});

/** Tensors spread over several safetensors files. */
export class ShardedSafetensors implements WeightSource {
  /** Path of the index file. */
  readonly indexFile: string;
  private readonly shards: ReadonlyMap<string, SafetensorsFile>;
  private readonly weightMap: ReadonlyMap<string, string>;

  private constructor(indexFile: string, weightMap: ReadonlyMap<string, string>, shards: ReadonlyMap<string, SafetensorsFile>) {
    this.indexFile = indexFile;
    this.weightMap = weightMap;
    this.shards = shards;
  }

  /**
   * Reads and validates an index and the headers of every shard it names.
   * @throws CheckpointError: `CHECKPOINT_FORMAT` for a bad index or shard, `CHECKPOINT_MISSING`
   * for a missing shard or a tensor the index places in a shard that lacks it.
   */
  static open(indexFile: string): ShardedSafetensors {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(indexFile, 'utf8'));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new CheckpointError(missing ? 'CHECKPOINT_MISSING' : 'CHECKPOINT_FORMAT', indexFile, missing ? 'file not found' : `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${formatIssuePath(issue.path) || '(root)'}: ${issue.message}`).join('; ');
      throw new CheckpointError('CHECKPOINT_FORMAT', indexFile, `invalid shard index: ${detail}`, {
        hint: 'expected {"metadata": {...}, "weight_map": {"<tensor>": "<shard>.safetensors", ...}}',
      });
    }
    const weightMap = new Map(Object.entries(parsed.data.weight_map));
    const shards = new Map<string, SafetensorsFile>();
    const folder = dirname(indexFile);
    for (const shard of new Set(weightMap.values())) {
      try {
        shards.set(shard, SafetensorsFile.open(join(folder, shard)));
      } catch (error) {
        if (error instanceof CheckpointError && error.code === 'CHECKPOINT_MISSING') {
          throw new CheckpointError('CHECKPOINT_MISSING', indexFile, `shard ${shard} named by ${basename(indexFile)} is missing`, {
            cause: error,
            hint: `download ${shard} into ${folder}`,
          });
        }
        throw error;
      }
    }
    for (const [name, shard] of weightMap) {
      if (!shards.get(shard)!.has(name)) {
        throw new CheckpointError('CHECKPOINT_MISSING', join(folder, shard), `the index assigns this tensor to ${shard}, which does not contain it`, {
          tensor: name,
          hint: 'the index and the shards come from different versions of the checkpoint; download them again',
        });
      }
    }
    return new ShardedSafetensors(indexFile, weightMap, shards);
  }

  has(name: string): boolean {
    return this.weightMap.has(name);
  }

  names(): string[] {
    return [...this.weightMap.keys()];
  }

  /** The stored dtype and shape of a tensor, without reading it. */
  describe(name: string): { dtype: string; shape: readonly number[] } {
    return this.shardOf(name).describe(name);
  }

  get(name: string): Tensor {
    return this.shardOf(name).get(name);
  }

  private shardOf(name: string): SafetensorsFile {
    const shard = this.weightMap.get(name);
    if (shard === undefined) {
      throw new CheckpointError('CHECKPOINT_MISSING', this.indexFile, 'no such tensor in the weight map', { tensor: name });
    }
    return this.shards.get(shard)!;
  }
}
