import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@etch/core';
import { afterAll, describe, expect, it } from 'vitest';
import { f32, writeSafetensors } from '../../test/safetensors-fixture.js';
import { openWeights } from './open-weights.js';
import { ShardedSafetensors } from './sharded-safetensors.js';

const root = mkdtempSync(join(tmpdir(), 'etch-shards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A folder with two shards (a, b in the first; c in the second) and the given index. */
function shardedFolder(index: unknown, options: { skipSecondShard?: boolean } = {}): string {
  const folder = join(root, `case-${counter++}`);
  mkdirSync(folder);
  writeSafetensors(join(folder, 'model-00001-of-00002.safetensors'), [
    { name: 'a', dtype: 'F32', shape: [2], data: f32([1, 2]) },
    { name: 'b', dtype: 'F32', shape: [1], data: f32([3]) },
  ]);
  if (!options.skipSecondShard) writeSafetensors(join(folder, 'model-00002-of-00002.safetensors'), [{ name: 'c', dtype: 'F32', shape: [1, 1], data: f32([4]) }]);
  writeFileSync(join(folder, 'model.safetensors.index.json'), typeof index === 'string' ? index : JSON.stringify(index));
  return folder;
}

const goodIndex = {
  metadata: { total_size: 16 },
  weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00001-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' },
};

function failure(folder: string): CheckpointError {
  try {
    openWeights(folder);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('ShardedSafetensors', () => {
  it('reads tensors from whichever shard holds them', () => {
    const weights = openWeights(shardedFolder(goodIndex));
    expect(weights).toBeInstanceOf(ShardedSafetensors);
    expect(weights.names()).toEqual(['a', 'b', 'c']);
    expect([...(weights.get('a').data as Float32Array)]).toEqual([1, 2]);
    expect(weights.get('c').shape).toEqual([1, 1]);
    expect(weights.describe('b')).toEqual({ dtype: 'F32', shape: [1] });
    expect(weights.has('lm_head.weight')).toBe(false);
    expect(() => weights.get('lm_head.weight')).toThrow(expect.objectContaining({ code: 'CHECKPOINT_MISSING', tensor: 'lm_head.weight' }));
  });

  it('a missing shard names the index and the shard', () => {
    const folder = shardedFolder(goodIndex, { skipSecondShard: true });
    const error = failure(folder);
    expect(error).toMatchObject({ code: 'CHECKPOINT_MISSING', file: join(folder, 'model.safetensors.index.json') });
    expect(error.message).toContain('model-00002-of-00002.safetensors');
  });

  it('a tensor the index puts in a shard that lacks it', () => {
    const folder = shardedFolder({ weight_map: { ...goodIndex.weight_map, d: 'model-00002-of-00002.safetensors' } });
    expect(failure(folder)).toMatchObject({ code: 'CHECKPOINT_MISSING', tensor: 'd', file: join(folder, 'model-00002-of-00002.safetensors') });
  });

  it('an index that is not JSON, or has no weight_map', () => {
    expect(failure(shardedFolder('{"weight_map": '))).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('not valid JSON') });
    expect(failure(shardedFolder({ metadata: {} }))).toMatchObject({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('weight_map') });
  });

  it('an index pointing outside its folder', () => {
    expect(failure(shardedFolder({ weight_map: { a: '../elsewhere.safetensors' } })).message).toContain('no folders');
  });

  it('a malformed shard is reported against the shard', () => {
    const folder = shardedFolder(goodIndex);
    writeFileSync(join(folder, 'model-00002-of-00002.safetensors'), new Uint8Array(3));
    expect(failure(folder)).toMatchObject({ code: 'CHECKPOINT_FORMAT', file: join(folder, 'model-00002-of-00002.safetensors') });
  });
});

describe('openWeights', () => {
  it('prefers model.safetensors and explains a folder without safetensors', () => {
    const folder = join(root, 'pickle-only');
    mkdirSync(folder);
    writeFileSync(join(folder, 'pytorch_model.bin'), 'not read');
    expect(failure(folder)).toMatchObject({ code: 'CHECKPOINT_MISSING', hint: expect.stringContaining('pytorch_model.bin') });
  });
});
