import { describe, expect, it } from 'vitest';
import { GgmlType } from './gguf-writer.js';
import { llamaGguf, minimalVocabulary, permuteForRope } from './llama-gguf.js';

describe('permuteForRope', () => {
  it('interleaves the two halves of each head', () => {
    // 2 heads of dim 4, one column: rows [h0: 0 1 2 3, h1: 4 5 6 7] → [0 2 1 3, 4 6 5 7].
    expect(Array.from(permuteForRope(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 2, 1))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });
});

describe('llamaGguf', () => {
  it('maps names, keeps norms and unaligned rows in F32, and quantizes the rest', () => {
    const shape = { hiddenSize: 64, intermediateSize: 40, layers: 1, heads: 4, kvHeads: 2, headDim: 16, vocabSize: 300, contextLength: 128, rmsNormEps: 1e-5, ropeTheta: 10000 };
    const sizes: Record<string, number> = {
      'model.embed_tokens.weight': 300 * 64,
      'model.layers.0.input_layernorm.weight': 64,
      'model.layers.0.self_attn.q_proj.weight': 64 * 64,
      'model.layers.0.self_attn.k_proj.weight': 32 * 64,
      'model.layers.0.self_attn.v_proj.weight': 32 * 64,
      'model.layers.0.self_attn.o_proj.weight': 64 * 64,
      'model.layers.0.post_attention_layernorm.weight': 64,
      'model.layers.0.mlp.gate_proj.weight': 40 * 64,
      'model.layers.0.mlp.up_proj.weight': 40 * 64,
      'model.layers.0.mlp.down_proj.weight': 64 * 40,
      'model.norm.weight': 64,
    };
    const contents = llamaGguf(shape, (name) => new Float32Array(sizes[name]!).fill(0.25), 'Q8_0', { tiedEmbeddings: true });
    const types = Object.fromEntries(contents.tensors.map((tensor) => [tensor.name, [tensor.ggmlType, tensor.dimensions]]));
    expect(types['token_embd.weight']).toEqual([GgmlType.Q8_0, [64, 300]]);
    expect(types['blk.0.attn_norm.weight']).toEqual([GgmlType.F32, [64]]);
    expect(types['blk.0.attn_k.weight']).toEqual([GgmlType.Q8_0, [64, 32]]);
    expect(types['blk.0.ffn_down.weight']).toEqual([GgmlType.F32, [40, 64]]);
    expect(types['output.weight']).toEqual([GgmlType.Q8_0, [64, 300]]);
    expect(contents.tensors).toHaveLength(12);
    expect(contents.metadata.get('llama.attention.head_count_kv')).toEqual({ type: 'uint32', value: 2 });
  });

  it('builds a vocabulary with special and byte tokens', () => {
    const { tokens, types } = minimalVocabulary(262);
    expect(tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(tokens[3 + 10]).toBe('<0x0A>');
    expect(types[3]).toBe(6);
    expect(tokens).toHaveLength(262);
    expect(() => minimalVocabulary(100)).toThrow(/too small/);
  });
});
