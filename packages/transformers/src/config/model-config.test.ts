import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { loadModelConfig, parseModelConfig } from './model-config.js';

const llamaBase = {
  model_type: 'llama',
  vocab_size: 512,
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
};

function issuesOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseModelConfig', () => {
  it('fills transformers defaults for llama', () => {
    const { config } = parseModelConfig(llamaBase, 'config.json');
    expect(config).toMatchObject({
      num_key_value_heads: 4,
      head_dim: 16,
      rope_theta: 10000,
      rope_scaling: null,
      rope_parameters: { rope_type: 'default', rope_theta: 10000 },
      tie_word_embeddings: false,
      rms_norm_eps: 1e-6,
      hidden_act: 'silu',
      bos_token_id: 1,
      eos_token_id: 2,
    });
  });

  it('applies per-architecture tie_word_embeddings defaults', () => {
    const gemma = parseModelConfig({ ...llamaBase, model_type: 'gemma', num_key_value_heads: 2 }, 'config.json').config;
    expect(gemma['tie_word_embeddings']).toBe(true);
    expect(gemma['head_dim']).toBe(256);
    const gpt2 = parseModelConfig({ model_type: 'gpt2', vocab_size: 10, n_embd: 8, n_layer: 1, n_head: 2 }, 'config.json').config;
    expect(gpt2).toMatchObject({ tie_word_embeddings: true, n_inner: 32, head_dim: 4, num_key_value_heads: 2 });
  });

  it('reads head_dim null as hidden_size / num_attention_heads (mistral files write null)', () => {
    const { config } = parseModelConfig({ ...llamaBase, model_type: 'mistral', head_dim: null, num_key_value_heads: 2 }, 'c.json');
    expect(config['head_dim']).toBe(16);
    expect(config['sliding_window']).toBe(4096);
  });

  it('mistral defaults num_key_value_heads to 8 when absent', () => {
    const { config } = parseModelConfig({ ...llamaBase, model_type: 'mistral', num_attention_heads: 16, hidden_size: 128 }, 'c.json');
    expect(config['num_key_value_heads']).toBe(8);
  });

  it('normalises legacy rope_scaling.type to rope_type', () => {
    const { config } = parseModelConfig({ ...llamaBase, rope_scaling: { type: 'linear', factor: 2 } }, 'c.json');
    expect(config['rope_scaling']).toMatchObject({ rope_type: 'linear', factor: 2 });
    expect(config['rope_parameters']).toMatchObject({ rope_type: 'linear', factor: 2, rope_theta: 10000 });
  });

  it('reads transformers-5 rope_parameters', () => {
    const { config } = parseModelConfig(
      {
        ...llamaBase,
        rope_parameters: { rope_type: 'llama3', rope_theta: 500000, factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
      },
      'c.json',
    );
    expect(config['rope_theta']).toBe(500000);
    expect(config['rope_scaling']).toEqual({ rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 });
    const plain = parseModelConfig({ ...llamaBase, rope_parameters: { rope_type: 'default', rope_theta: 1e6 } }, 'c.json').config;
    expect(plain['rope_theta']).toBe(1e6);
    expect(plain['rope_scaling']).toBeNull();
  });

  it('lifts partial_rotary_factor out of rope_parameters (transformers 5 GPT-NeoX)', () => {
    const { config } = parseModelConfig(
      { ...llamaBase, model_type: 'gpt_neox', rope_parameters: { rope_type: 'default', rope_theta: 10000, partial_rotary_factor: 0.5 } },
      'c.json',
    );
    expect(config).toMatchObject({ partial_rotary_factor: 0.5, rotary_pct: 0.5, rotary_emb_base: 10000, rope_theta: 10000 });
  });

  it('derives qwen2 layer_types from the sliding window settings', () => {
    const off = parseModelConfig({ ...llamaBase, model_type: 'qwen2', num_key_value_heads: 2 }, 'c.json').config;
    expect(off['sliding_window']).toBeNull();
    expect(off['layer_types']).toEqual(['full_attention', 'full_attention']);
    const on = parseModelConfig({ ...llamaBase, model_type: 'qwen2', num_key_value_heads: 2, use_sliding_window: true, sliding_window: 8, max_window_layers: 1 }, 'c.json').config;
    expect(on['layer_types']).toEqual(['full_attention', 'sliding_attention']);
  });

  it.each([
    ['mistral', { num_key_value_heads: 8, head_dim: 16, sliding_window: 4096, tie_word_embeddings: false, max_position_embeddings: 131072 }],
    ['qwen3', { num_key_value_heads: 32, head_dim: 128, attention_bias: false, tie_word_embeddings: false, bos_token_id: null, eos_token_id: null }],
    ['gemma', { num_key_value_heads: 16, head_dim: 256, hidden_act: 'gelu_pytorch_tanh', tie_word_embeddings: true, bos_token_id: 2, eos_token_id: 1, pad_token_id: 0 }],
    ['gemma2', { num_key_value_heads: 4, head_dim: 256, hidden_activation: 'gelu_pytorch_tanh', query_pre_attn_scalar: 256, final_logit_softcapping: 30, attn_logit_softcapping: 50, sliding_window: 4096, layer_types: ['sliding_attention', 'full_attention'] }],
    ['phi3', { num_key_value_heads: 4, head_dim: 16, rms_norm_eps: 1e-5, partial_rotary_factor: 1, original_max_position_embeddings: 4096, eos_token_id: 32000, pad_token_id: 32000, sliding_window: null }],
    ['gpt_neox', { num_key_value_heads: 4, head_dim: 16, hidden_act: 'gelu', partial_rotary_factor: 0.25, rotary_pct: 0.25, rope_theta: 10000, rotary_emb_base: 10000, use_parallel_residual: true, attention_bias: true, layer_norm_eps: 1e-5 }],
    ['olmo', { num_key_value_heads: 4, head_dim: 16, clip_qkv: null, bos_token_id: null, eos_token_id: 50279, pad_token_id: 1, tie_word_embeddings: false }],
    ['stablelm', { num_key_value_heads: 32, partial_rotary_factor: 0.25, use_qkv_bias: false, qk_layernorm: false, use_parallel_residual: false, layer_norm_eps: 1e-5, bos_token_id: 0, eos_token_id: 0 }],
  ])('fills the %s defaults of its transformers configuration class', (modelType, expected) => {
    const heads = 'num_key_value_heads' in expected && expected.num_key_value_heads > 4 ? { num_attention_heads: expected.num_key_value_heads, hidden_size: 16 * expected.num_key_value_heads } : {};
    const { config } = parseModelConfig({ ...llamaBase, model_type: modelType, ...heads }, 'config.json');
    expect(config).toMatchObject(expected);
  });

  it('fills original_max_position_embeddings of length-scaled rope types as transformers 5 does', () => {
    const llama3 = parseModelConfig(
      { ...llamaBase, max_position_embeddings: 512, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4 } },
      'c.json',
    ).config;
    expect(llama3['rope_scaling']).toMatchObject({ original_max_position_embeddings: 512 });
    expect(llama3['rope_parameters']).toMatchObject({ rope_type: 'llama3', original_max_position_embeddings: 512, rope_theta: 10000 });
    const factors = Array.from({ length: 8 }, () => 1);
    const phi3 = parseModelConfig(
      { ...llamaBase, model_type: 'phi3', original_max_position_embeddings: 64, rope_scaling: { type: 'longrope', short_factor: factors, long_factor: factors } },
      'c.json',
    ).config;
    expect(phi3['rope_scaling']).toMatchObject({ rope_type: 'longrope', original_max_position_embeddings: 64 });
    expect(phi3['rope_parameters']).toMatchObject({ partial_rotary_factor: 1 });
    const legacy = parseModelConfig({ ...llamaBase, model_type: 'phi3', rope_scaling: { type: 'su', short_factor: factors, long_factor: factors } }, 'c.json').config;
    expect(legacy['rope_scaling']).toMatchObject({ rope_type: 'longrope' });
    const linear = () => parseModelConfig({ ...llamaBase, model_type: 'phi3', rope_scaling: { type: 'linear', factor: 2 } }, 'c.json');
    expect(issuesOf(linear).issues[0]?.path).toBe('rope_scaling.rope_type');
    const short = () => parseModelConfig({ ...llamaBase, model_type: 'phi3', rope_scaling: { type: 'longrope', short_factor: [1], long_factor: factors } }, 'c.json');
    expect(issuesOf(short).issues).toEqual([{ path: 'rope_scaling.short_factor', message: 'expected 8 entries (rotary dim / 2), got 1' }]);
  });

  it('rejects unknown activations, naming the accepted ones', () => {
    const error = issuesOf(() => parseModelConfig({ ...llamaBase, hidden_act: 'swiglu' }, 'config.json'));
    expect(error.issues[0]?.path).toBe('hidden_act');
    expect(error.issues[0]?.message).toContain('silu');
  });

  it('names the file, the field and the expected value for a bad field', () => {
    const error = issuesOf(() => parseModelConfig({ ...llamaBase, hidden_size: 'big' }, '/models/x/config.json'));
    expect(error.file).toBe('/models/x/config.json');
    expect(error.code).toBe('CONFIG');
    expect(error.issues).toEqual([{ path: 'hidden_size', message: expect.stringContaining('expected number') }]);
    expect(error.message).toContain('/models/x/config.json');
  });

  it('reports a missing required field', () => {
    const { num_attention_heads: _omitted, ...rest } = llamaBase;
    const error = issuesOf(() => parseModelConfig(rest, 'config.json'));
    expect(error.issues.map((issue) => issue.path)).toEqual(['num_attention_heads']);
  });

  it('reports cross-field problems', () => {
    const error = issuesOf(() => parseModelConfig({ ...llamaBase, num_key_value_heads: 3 }, 'config.json'));
    expect(error.issues[0]).toEqual({ path: 'num_key_value_heads', message: 'expected a divisor of num_attention_heads (4), got 3' });
    const layers = issuesOf(() => parseModelConfig({ ...llamaBase, model_type: 'gemma2', layer_types: ['full_attention'] }, 'config.json'));
    expect(layers.issues[0]?.path).toBe('layer_types');
  });

  it('rejects incomplete rope scaling', () => {
    const error = issuesOf(() => parseModelConfig({ ...llamaBase, rope_scaling: { rope_type: 'llama3', factor: 8 } }, 'config.json'));
    expect(error.issues.map((issue) => issue.path)).toContain('rope_scaling.low_freq_factor');
    const unknown = issuesOf(() => parseModelConfig({ ...llamaBase, rope_scaling: { rope_type: 'spiral' } }, 'config.json'));
    expect(unknown.issues[0]?.path).toBe('rope_scaling.rope_type');
  });

  it('lists the supported model types for an unknown one', () => {
    const error = issuesOf(() => parseModelConfig({ ...llamaBase, model_type: 'bert' }, 'config.json'));
    expect(error.issues[0]?.path).toBe('model_type');
    for (const type of ['llama', 'mistral', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'phi3', 'gpt2', 'gpt_neox', 'olmo', 'stablelm']) {
      expect(error.message).toContain(type);
    }
    expect(error.message).toContain('"bert"');
  });
});

describe('loadModelConfig on reference checkpoints', () => {
  const golden = findSharedData('golden');
  it.skipIf(!golden)('loads every golden config', async () => {
    const directories = readdirSync(golden!, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(directories.length).toBeGreaterThanOrEqual(7);
    for (const entry of directories) {
      const { modelType, config } = await loadModelConfig(join(golden!, entry.name));
      expect(config['vocab_size']).toBe(512);
      expect(['llama', 'qwen2', 'qwen3', 'gemma2', 'phi3', 'gpt2']).toContain(modelType);
    }
    const gemma2 = await loadModelConfig(join(golden!, 'gemma2'));
    expect(gemma2.config).toMatchObject({ head_dim: 32, tie_word_embeddings: true, sliding_window: 16, query_pre_attn_scalar: 256 });
    const llama3 = await loadModelConfig(join(golden!, 'llama3_rope'));
    expect(llama3.config['rope_scaling']).toMatchObject({ rope_type: 'llama3', factor: 8 });
    const gpt2 = await loadModelConfig(join(golden!, 'gpt2'));
    expect(gpt2.config).toMatchObject({ tie_word_embeddings: true, n_inner: 128, head_dim: 16 });
  });

  const stories = findSharedData('models/stories260K');
  it.skipIf(!stories)('loads stories260K', async () => {
    const { modelType, config } = await loadModelConfig(stories!);
    expect(modelType).toBe('llama');
    expect(config).toMatchObject({ head_dim: 8, num_key_value_heads: 4, tie_word_embeddings: true, rms_norm_eps: 1e-5 });
  });

  it('a missing config.json is a ConfigError naming it', async () => {
    await expect(loadModelConfig('/nonexistent-etch-folder')).rejects.toMatchObject({ code: 'CONFIG', file: '/nonexistent-etch-folder/config.json' });
  });
});
