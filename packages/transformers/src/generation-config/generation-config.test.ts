import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@etch/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type GenerationConfigContext, GenerationConfig } from './generation-config.js';

const context: GenerationConfigContext = {
  modelTokens: { bos: 1, eos: 2, pad: null },
  limits: { maxPositions: 2048, learnedPositions: false, headDim: 64 },
};
const scratch = mkdtempSync(join(tmpdir(), 'etch-generation-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function parse(json: unknown, overrides: Partial<GenerationConfigContext> = {}): GenerationConfig {
  return GenerationConfig.parse(json, 'generation_config.json', { ...context, ...overrides });
}

describe('GenerationConfig', () => {
  it('defaults the cache to min(1024, positions), batch 1, no dtype, no quantization', () => {
    expect(parse({}, { limits: { ...context.limits, maxPositions: 4096 } }).cacheConfig).toEqual({ cacheImplementation: 'static', maxCacheLength: 1024, maxBatchSize: 1 });
    expect(parse({}, { limits: { ...context.limits, maxPositions: 100 } }).cacheConfig.maxCacheLength).toBe(100);
  });

  it('reads transformers spellings: torch.dtype names, max_batch_size, top-level max_cache_len', () => {
    expect(parse({ cache_config: { max_cache_len: 300, max_batch_size: 2, dtype: 'torch.bfloat16' } }).cacheConfig).toEqual({
      cacheImplementation: 'static',
      maxCacheLength: 300,
      maxBatchSize: 2,
      dtype: 'bfloat16',
    });
    expect(parse({ max_cache_len: 400 }).cacheConfig.maxCacheLength).toBe(400);
    expect(parse({ max_cache_len: 400, cache_config: { max_cache_len: 500 } }).cacheConfig.maxCacheLength).toBe(500);
  });

  it('keeps top-level max_cache_len in step when saving', () => {
    const generation = parse({ max_cache_len: 400 }, { cacheConfig: { maxCacheLength: 64 } });
    expect(generation.toJSON()).toMatchObject({ max_cache_len: 64, cache_config: { max_cache_len: 64 } });
    expect(parse(generation.toJSON()).cacheConfig.maxCacheLength).toBe(64);
  });

  it('accepts any cache_implementation transformers names and always writes static', () => {
    const generation = parse({ cache_implementation: 'hybrid', cache_config: null });
    expect(generation.cacheConfig.cacheImplementation).toBe('static');
    expect(generation.toJSON()['cache_implementation']).toBe('static');
  });

  it('keeps unknown keys and the key order of the file', () => {
    const json = { temperature: 0.7, custom_field: { a: 1 }, eos_token_id: [2, 3], top_p: 0.9, transformers_version: '4.57.6' };
    const saved = parse(json).toJSON();
    expect(Object.keys(saved)).toEqual([...Object.keys(json), 'cache_implementation', 'cache_config']);
    expect(saved).toMatchObject(json);
  });

  it('takes special tokens from the file, then from config.json', () => {
    expect(parse({ eos_token_id: [7, 8] }).eosTokenIds).toEqual([7, 8]);
    expect(parse({ bos_token_id: null }).bosTokenId).toBe(1);
    expect(parse({}, { modelTokens: { bos: null, eos: null, pad: null } }).eosTokenIds).toEqual([]);
  });

  it('reports invalid fields as a ConfigError with their path', () => {
    const error = (() => {
      try {
        parse({ top_p: 2, eos_token_id: 'two', cache_config: { dtype: 'int8' } });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.file).toBe('generation_config.json');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['cache_config.dtype', 'eos_token_id', 'top_p']);
    expect(error.issues.find((issue) => issue.path === 'cache_config.dtype')?.message).toContain('float32, float16, bfloat16');
  });

  it('rejects unknown cache option keys', () => {
    expect(() => parse({}, { cacheConfig: { maxCacheLen: 5 } as never })).toThrow(expect.objectContaining({ file: 'options.cacheConfig' }));
    expect(() => parse({}, { cacheConfig: { cacheImplementation: 'dynamic' as never } })).toThrow(expect.objectContaining({ file: 'options.cacheConfig' }));
  });

  it('saves atomically and reloads the same cache config', async () => {
    const generation = parse({ bos_token_id: 1 }, { cacheConfig: { maxCacheLength: 77, maxBatchSize: 1, dtype: 'float16', quantization: { nbits: 8, axis: 'per-token' } } });
    const path = await generation.save(scratch);
    expect(readdirSync(scratch)).toEqual(['generation_config.json']);
    const reloaded = await GenerationConfig.fromDirectory(scratch, context);
    expect(reloaded.cacheConfig).toEqual(generation.cacheConfig);
    expect(new Uint8Array(readFileSync(path))).toEqual(reloaded.toBytes());
  });
});
