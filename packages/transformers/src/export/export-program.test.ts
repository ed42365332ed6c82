import { ConfigError, InvalidArgumentError, ScalarType, programToJson } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { cacheBufferName } from '../models/kv-cache.js';
import { ProgramRunner, maxAbsDifference } from '../test-support/program-runner.js';
import { syntheticModel } from '../test-support/synthetic-model.js';
import { exportProgram } from './export-program.js';

const VOCAB = 64;
const base = {
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: VOCAB,
  max_position_embeddings: 64,
  rms_norm_eps: 1e-6,
};

/** Architectures without a golden checkpoint, in small random configurations. */
const ARCHITECTURES: Record<string, { config: Record<string, unknown>; biases?: boolean }> = {
  llama: { config: base },
  mistral: { config: { ...base, sliding_window: 4 } },
  gemma: { config: { ...base, head_dim: 8, hidden_act: 'gelu_pytorch_tanh' } },
  olmo: { config: { ...base, clip_qkv: 1.5 } },
  stablelm: { config: { ...base, partial_rotary_factor: 0.5, use_qkv_bias: true }, biases: true },
  stablelm_qk_layernorm: { config: { ...base, qk_layernorm: true, use_parallel_residual: true } },
  gpt_neox: { config: { ...base, num_key_value_heads: null, rotary_pct: 0.25, hidden_act: 'gelu' }, biases: true },
  gpt2: { config: { n_embd: 32, n_head: 4, n_layer: 2, n_inner: 64, n_positions: 64, vocab_size: VOCAB }, biases: true },
};

const ids = [5, 17, 3, 42, 8, 61, 30, 9, 27, 14, 50, 2];

/** Feeds `ids` as a 5-token prefill and then single steps; returns all logits rows. */
function prefillThenSteps(runner: ProgramRunner, prefill: number): Float32Array {
  const rows = new Float32Array(ids.length * VOCAB);
  rows.set(runner.forward(ids.slice(0, prefill), 0));
  for (let position = prefill; position < ids.length; position++) rows.set(runner.forward([ids[position]!], position), position * VOCAB);
  return rows;
}

describe('exportProgram', () => {
  for (const [modelType, { config, biases }] of Object.entries(ARCHITECTURES)) {
    it(`${modelType}: logits [1, seq, vocab], finite, and prefill + cached steps equal the full sequence`, () => {
      const model = syntheticModel({ modelType: modelType.replace(/_qk_layernorm$/, ''), config, biases });
      const program = exportProgram(model, { sequenceLength: { max: 16 } });
      const logitsMeta = program.graph.metaOf(program.graph.outputNode!.args.at(-1) as never);
      expect(logitsMeta).toMatchObject({ dtype: ScalarType.FLOAT, shape: [1, { sym: 'seq', coefficient: 1, offset: 0 }, VOCAB] });
      const full = new ProgramRunner(program).forward(ids, 0);
      expect(full.length).toBe(ids.length * VOCAB);
      expect(full.every(Number.isFinite)).toBe(true);
      expect(maxAbsDifference(prefillThenSteps(new ProgramRunner(program), 5), full)).toBeLessThan(1e-5);
      const decodeOnly = new ProgramRunner(exportProgram(model));
      const stepped = new Float32Array(ids.length * VOCAB);
      ids.forEach((id, position) => stepped.set(decodeOnly.forward([id], position), position * VOCAB));
      expect(maxAbsDifference(stepped, full)).toBeLessThan(1e-5);
    });
  }

  it('declares the inputs, one k and one v cache buffer per layer, and writes each back', () => {
    const program = exportProgram(syntheticModel({ modelType: 'llama', config: base, cache: { maxCacheLength: 24 } }));
    expect(program.inputNames).toEqual(['input_ids', 'cache_position']);
    expect(program.outputNames).toEqual(['logits']);
    const names = [0, 1].flatMap((layer) => [cacheBufferName(layer, 'k'), cacheBufferName(layer, 'v')]);
    expect([...program.buffers.keys()].sort()).toEqual([...names].sort());
    for (const buffer of program.buffers.values()) expect(buffer).toMatchObject({ dtype: ScalarType.FLOAT, shape: [1, 2, 24, 8], mutable: true });
    const mutations = program.signature.outputs.filter((o) => o.kind === 'buffer_mutation').map((o) => o.target);
    expect([...mutations].sort()).toEqual([...names].sort());
    expect(program.signature.outputs.at(-1)).toEqual({ kind: 'user_output' });
  });

  it('stores an int8 cache with per-token float64 scales and int64 zero points', () => {
    const model = syntheticModel({ modelType: 'llama', config: base, cache: { maxCacheLength: 24, quantization: { nbits: 8, axis: 'per-token' } } });
    const program = exportProgram(model, { sequenceLength: { max: 16 } });
    const name = cacheBufferName(0, 'k');
    expect(program.buffers.get(name)).toMatchObject({ dtype: ScalarType.CHAR, shape: [1, 2, 24, 8] });
    expect(program.buffers.get(`${name}_scales`)).toMatchObject({ dtype: ScalarType.DOUBLE, shape: [1, 2, 24, 1] });
    expect(program.buffers.get(`${name}_zero_points`)).toMatchObject({ dtype: ScalarType.LONG, shape: [1, 2, 24, 1] });
    expect(program.buffers.size).toBe(12);
    const full = new ProgramRunner(exportProgram(model, { sequenceLength: { max: 16 } })).forward(ids, 0);
    const runner = new ProgramRunner(program);
    // The prefill call attends to its own keys in full precision; later calls read int8 ones.
    expect(maxAbsDifference(runner.forward(ids.slice(0, 5), 0), full, 0, 5 * VOCAB)).toBe(0);
    const step = runner.forward([ids[5]!], 5);
    const error = maxAbsDifference(step, full, 5 * VOCAB, VOCAB);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.1);
  });

  it('masks keys older than the sliding window, also after the window has been passed', () => {
    const config = { ...base, num_hidden_layers: 1, sliding_window: 4 };
    const program = exportProgram(syntheticModel({ modelType: 'mistral', config }));
    const changed = [...ids];
    changed[0] = 33;
    const decode = (tokens: number[]) => {
      const runner = new ProgramRunner(program);
      return tokens.map((id, position) => runner.forward([id], position).slice());
    };
    const original = decode(ids);
    const altered = decode(changed);
    // One layer: position p sees p-3…p, so token 0 reaches positions 0-3 and nothing after.
    for (let position = 0; position < ids.length; position++) {
      const difference = maxAbsDifference(original[position]!, altered[position]!);
      if (position < 4) expect(difference).toBeGreaterThan(1e-3);
      else expect(difference).toBe(0);
    }
  });

  it('gives every parameter and constant one placeholder, and reports progress per layer', () => {
    const events: number[] = [];
    const model = syntheticModel({ modelType: 'gemma2', config: { ...base, head_dim: 8, sliding_window: 4, attn_logit_softcapping: 50, final_logit_softcapping: 30 } });
    const program = exportProgram(model, { onProgress: (event) => events.push(event.fraction) });
    const targets = program.signature.inputs.filter((i) => i.kind === 'parameter' || i.kind === 'constant').map((i) => i.target);
    expect(new Set(targets).size).toBe(targets.length);
    expect(targets).toContain('attention.masked_score');
    expect(events).toEqual([0.5, 1]);
  });

  it('eager attention computes what sdpa computes', () => {
    const sdpa = new ProgramRunner(exportProgram(syntheticModel({ modelType: 'mistral', config: ARCHITECTURES['mistral']!.config }), { sequenceLength: { max: 16 } }));
    const eager = new ProgramRunner(
      exportProgram(syntheticModel({ modelType: 'mistral', config: ARCHITECTURES['mistral']!.config, attnImplementation: 'eager' }), { sequenceLength: { max: 16 } }),
    );
    expect(maxAbsDifference(eager.forward(ids, 0), sdpa.forward(ids, 0))).toBeLessThan(1e-5);
  });

  it('lastLogitsOnly returns the last row', () => {
    const model = syntheticModel({ modelType: 'llama', config: base });
    const full = new ProgramRunner(exportProgram(model, { sequenceLength: { max: 16 } })).forward(ids, 0);
    const last = new ProgramRunner(exportProgram(model, { sequenceLength: { max: 16 }, lastLogitsOnly: true })).forward(ids, 0);
    expect(last.length).toBe(VOCAB);
    expect(maxAbsDifference(last, full, full.length - VOCAB, VOCAB)).toBe(0);
  });

  it('carries the runner metadata and the tokenizer as named data', () => {
    const model = syntheticModel({ modelType: 'llama', config: base, cache: { maxCacheLength: 24 } });
    const dynamic = exportProgram(model, { sequenceLength: { max: 16 } });
    expect(dynamic.metadata).toEqual({
      get_max_seq_len: 16,
      get_max_context_len: 24,
      get_vocab_size: VOCAB,
      get_bos_id: 1,
      get_eos_ids: [2],
      use_kv_cache: true,
      use_sdpa_with_kv_cache: false,
      enable_dynamic_shape: true,
      get_n_layers: 2,
    });
    expect(dynamic.symbols).toEqual({ seq: { min: 1, max: 16 } });
    expect([...dynamic.namedData.keys()]).toEqual(['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']);
    const decode = exportProgram(model, { embedTokenizer: false });
    expect(decode.metadata).toMatchObject({ get_max_seq_len: 24, enable_dynamic_shape: false });
    expect(decode.namedData.size).toBe(0);
  });

  it('is deterministic: the same model and options give the same program', () => {
    const make = () => exportProgram(syntheticModel({ modelType: 'gemma', config: ARCHITECTURES['gemma']!.config }), { sequenceLength: { max: 8 } });
    const [first, second] = [make(), make()];
    expect(JSON.stringify(programToJson(second))).toBe(JSON.stringify(programToJson(first)));
    for (const [name, data] of first.constants) expect(second.constants.get(name)!.read().bytes).toEqual(data.read().bytes);
  });

  it('reads no weight data while building: constants are read lazily', () => {
    const model = syntheticModel({ modelType: 'llama', config: base });
    let reads = 0;
    const weights = {
      ...model.weights,
      describe: (name: string) => ({ dtype: 'F32', shape: model.weights.get(name).shape }),
      get: (name: string) => {
        reads++;
        return model.weights.get(name);
      },
    };
    const program = exportProgram({ ...model, weights });
    expect(reads).toBe(0);
    program.constants.get('model.layers.0.self_attn.q_proj.weight')!.read();
    expect(reads).toBe(1);
  });

  it('rejects what it cannot export, naming the setting', () => {
    expect(() => exportProgram(syntheticModel({ modelType: 'llama', config: base, cache: { maxBatchSize: 2 } }))).toThrow(InvalidArgumentError);
    expect(() => exportProgram(syntheticModel({ modelType: 'llama', config: base }), { sequenceLength: { max: 33 } })).toThrow(/sequenceLength.max/);
    expect(() => exportProgram({ ...syntheticModel({ modelType: 'llama', config: base }), modelType: 'bert' })).toThrow(ConfigError);
    expect(() => exportProgram(syntheticModel({ modelType: 'llama', config: { ...base, rope_scaling: { rope_type: 'yarn', factor: 2 } } }))).toThrow(/rope_type/);
  });
});
