import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ScalarType } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM } from './auto-model.js';
import { GenerationConfig } from './generation-config/generation-config.js';
import type { LoadProgressEvent } from './load-progress.js';

const stories = findSharedData('models/stories260K');
const golden = findSharedData('golden');
const scratch = mkdtempSync(join(tmpdir(), 'etch-auto-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a checkpoint folder whose weights are a symlink (so nothing big is copied). */
function copyOfCheckpoint(source: string, name: string, files: string[]): string {
  const folder = join(scratch, name);
  cpSync(source, folder, { recursive: true, filter: (path) => path === source || files.includes(basename(path)) });
  symlinkSync(join(source, 'model.safetensors'), join(folder, 'model.safetensors'));
  return folder;
}

describe.skipIf(!stories)('AutoModelForCausalLM on stories260K', () => {
  it('loads config, weights, tokens, tokenizer files and the default cache', async () => {
    const events: LoadProgressEvent[] = [];
    const model = await AutoModelForCausalLM.fromPretrained(stories!, { onProgress: (event) => events.push(event) });
    expect(model.modelType).toBe('llama');
    expect(model.attnImplementation).toBe('sdpa');
    expect(model.dtype).toBe('float32');
    expect(model.directory).toBe(stories);
    expect(model.bosTokenId).toBe(1);
    expect(model.eosTokenIds).toEqual([2]);
    // No cache settings anywhere: the default, min(1024, max_position_embeddings = 512).
    expect(model.cacheConfig).toEqual({ cacheImplementation: 'static', maxCacheLength: 512, maxBatchSize: 1 });
    expect(Object.keys(model.tokenizerFiles).sort()).toEqual(['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(model.tokenizerFiles['tokenizer.json']).toEqual(new Uint8Array(readFileSync(join(stories!, 'tokenizer.json'))));
    expect(events.at(-1)).toMatchObject({ stage: 'load', fraction: 1 });

    // Tied embeddings: the file has no lm_head.weight and the loader does not invent one.
    expect(model.config['tie_word_embeddings']).toBe(true);
    expect(model.weights.has('lm_head.weight')).toBe(false);
    const embed = model.weights.get('model.embed_tokens.weight');
    expect(embed.dtype).toBe(ScalarType.FLOAT);
    expect(embed.shape).toEqual([512, 64]);
    expect(model.weights.get('model.layers.0.self_attn.q_proj.weight').shape).toEqual([64, 64]);
    expect(model.weights.get('model.layers.0.self_attn.k_proj.weight').shape).toEqual([32, 64]);
    expect(model.weights.get('model.layers.4.mlp.gate_proj.weight').shape).toEqual([172, 64]);
    expect(model.weights.names()).toHaveLength(2 + 5 * 9);
  });

  it('takes dtype and attention options, and dtype auto from config.json', async () => {
    const model = await AutoModelForCausalLM.fromPretrained(stories!, { dtype: 'bfloat16', attnImplementation: 'eager' });
    expect(model.dtype).toBe('bfloat16');
    expect(model.attnImplementation).toBe('eager');
    expect((await AutoModelForCausalLM.fromPretrained(stories!, { dtype: 'auto' })).dtype).toBe('float32');
    await expect(AutoModelForCausalLM.fromPretrained(stories!, { dtype: 'float64' as never })).rejects.toMatchObject({ code: 'CONFIG', file: 'options' });
    const folder = copyOfCheckpoint(stories!, 'bf16-config', []);
    const config = JSON.parse(readFileSync(join(stories!, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, torch_dtype: 'bfloat16' }));
    expect((await AutoModelForCausalLM.fromPretrained(folder, { dtype: 'auto' })).dtype).toBe('bfloat16');
    expect((await AutoModelForCausalLM.fromPretrained(folder)).dtype).toBe('float32');
  });

  it('round-trips a cache config set through fromPretrained via generationConfig.save', async () => {
    const cacheConfig = {
      cacheImplementation: 'static',
      maxCacheLength: 256,
      maxBatchSize: 2,
      dtype: 'float16',
      quantization: { nbits: 8, axis: 'per-token' },
    } as const;
    const model = await AutoModelForCausalLM.fromPretrained(stories!, { cacheConfig });
    expect(model.cacheConfig).toEqual(cacheConfig);
    const folder = copyOfCheckpoint(stories!, 'round-trip', ['config.json', 'tokenizer.json']);
    const saved = await model.generationConfig.save(folder);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual({
      _from_model_config: true,
      bos_token_id: 1,
      eos_token_id: 2,
      cache_implementation: 'static',
      cache_config: { max_cache_len: 256, batch_size: 2, dtype: 'float16', nbits: 8, axis_key: 0, axis_value: 0, q_group_size: 8, residual_length: 0 },
    });
    expect(new Uint8Array(readFileSync(saved))).toEqual(model.generationConfigJson);
    const reloaded = await AutoModelForCausalLM.fromPretrained(folder);
    expect(reloaded.cacheConfig).toEqual(cacheConfig);
    expect(reloaded.generationConfigJson).toEqual(model.generationConfigJson);
    expect(Object.keys(reloaded.tokenizerFiles)).toEqual(['tokenizer.json']);
  });

  it('options override the file field by field', async () => {
    const folder = copyOfCheckpoint(stories!, 'override', ['config.json']);
    writeFileSync(
      join(folder, 'generation_config.json'),
      JSON.stringify({ bos_token_id: 1, eos_token_id: [2, 7], cache_implementation: 'static', cache_config: { max_cache_len: 64, batch_size: 3, nbits: 8 } }),
    );
    const fromFile = await AutoModelForCausalLM.fromPretrained(folder);
    expect(fromFile.cacheConfig).toEqual({ cacheImplementation: 'static', maxCacheLength: 64, maxBatchSize: 3, quantization: { nbits: 8, axis: 'per-token' } });
    expect(fromFile.eosTokenIds).toEqual([2, 7]);
    const overridden = await AutoModelForCausalLM.fromPretrained(folder, { cacheConfig: { maxCacheLength: 32, quantization: null } });
    expect(overridden.cacheConfig).toEqual({ cacheImplementation: 'static', maxCacheLength: 32, maxBatchSize: 3 });
  });

  it('rejects invalid cache settings from the file or the options', async () => {
    const folder = copyOfCheckpoint(stories!, 'bad-cache', ['config.json']);
    const file = join(folder, 'generation_config.json');
    writeFileSync(file, JSON.stringify({ cache_config: { max_cache_len: 64, nbits: 4 } }));
    await expect(AutoModelForCausalLM.fromPretrained(folder)).rejects.toMatchObject({
      code: 'CONFIG',
      file,
      issues: [{ path: 'cache_config.nbits', message: expect.stringContaining('expected 8') }],
    });
    writeFileSync(file, JSON.stringify({ cache_config: { nbits: 8, q_group_size: 64 } }));
    await expect(AutoModelForCausalLM.fromPretrained(folder)).rejects.toMatchObject({ issues: [{ path: 'cache_config.q_group_size' }] });
    writeFileSync(file, '{"eos_token_id": ');
    await expect(AutoModelForCausalLM.fromPretrained(folder)).rejects.toMatchObject({ code: 'CONFIG', file });
    await expect(AutoModelForCausalLM.fromPretrained(stories!, { cacheConfig: { maxCacheLength: 0 } })).rejects.toMatchObject({
      file: 'options.cacheConfig',
      issues: [{ path: 'maxCacheLength' }],
    });
  });
});

describe.skipIf(!golden)('AutoModelForCausalLM on the golden checkpoints', () => {
  it.each(['llama', 'llama3_rope', 'qwen2', 'qwen3', 'gemma2', 'phi3', 'gpt2'])('%s loads with float32 weights of the right shapes', async (name) => {
    const model = await AutoModelForCausalLM.fromPretrained(join(golden!, name));
    expect(model.bosTokenId).toBe(1);
    expect(model.eosTokenIds).toEqual([2]);
    expect(model.cacheConfig.maxCacheLength).toBe(128);
    expect(model.tokenizerFiles).toEqual({});
    for (const tensorName of model.weights.names()) expect(model.weights.get(tensorName).dtype).toBe(ScalarType.FLOAT);
    const tied = model.config['tie_word_embeddings'] === true;
    expect(model.weights.has('lm_head.weight')).toBe(!tied);
    const embedding = model.modelType === 'gpt2' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
    expect(model.weights.get(embedding).shape).toEqual([512, 64]);
  });

  it('qwen3 q_proj follows head_dim 32, not hidden / heads', async () => {
    const model = await AutoModelForCausalLM.fromPretrained(join(golden!, 'qwen3'));
    expect(model.weights.get('model.layers.0.self_attn.q_proj.weight').shape).toEqual([4 * 32, 64]);
    expect(model.weights.get('model.layers.0.self_attn.q_norm.weight').shape).toEqual([32]);
  });

  it('gpt2 rejects a cache longer than its learned positions', async () => {
    await expect(AutoModelForCausalLM.fromPretrained(join(golden!, 'gpt2'), { cacheConfig: { maxCacheLength: 129 } })).rejects.toMatchObject({
      file: 'options.cacheConfig',
      issues: [{ path: 'maxCacheLength', message: 'expected at most 128 (the model\'s learned positions), got 129' }],
    });
  });
});

describe('AutoModelForCausalLM errors', () => {
  it('a path that is neither a folder nor a hub id', async () => {
    await expect(AutoModelForCausalLM.fromPretrained('./no/such/folder')).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('GenerationConfig without a file takes tokens from config.json', () => {
    const generation = GenerationConfig.parse(undefined, 'generation_config.json', {
      modelTokens: { bos: null, eos: [5, 6], pad: 0 },
      limits: { maxPositions: 64, learnedPositions: false, headDim: 8 },
    });
    expect(generation.bosTokenId).toBeNull();
    expect(generation.eosTokenIds).toEqual([5, 6]);
    expect(generation.cacheConfig.maxCacheLength).toBe(64);
    expect(generation.toJSON()).toMatchObject({ _from_model_config: true, pad_token_id: 0 });
  });
});
