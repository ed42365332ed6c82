/**
 * A Llama forward pass built directly on the delegate's kernels, for benchmarking before (and
 * beside) the end-to-end path: every linear layer runs through `XnnKernels.linear` in the
 * recipe's precision, attention through `batchMatmul` over a static KV cache, and the small
 * element-wise steps (RMSNorm, RoPE, SiLU, residuals) in TypeScript. It computes real logits,
 * so it is checked against the reference model, and it reads exactly the weights a `.pte` of the
 * same recipe would.
 */

import { ScalarType } from '@etch/core';
import { quantizeGroupwise, quantizeSymmetric, Tensor } from '@etch/core/kernels';
import type { LinearWeights, PreparedLinear, XnnKernels } from '../src/kernels/index.js';
import type { LlamaBenchModel } from './llama-weights.js';

/** The export recipes the benchmark compares. */
export type BenchRecipe = 'portable' | 'xnnpack' | 'xnnpack_q8' | 'xnnpack_8da4w';

/** Group size of the 4-bit weights of the 8da4w recipe. */
export const GROUP_SIZE_8DA4W = 32;

/** A model ready to run on one kernel set. */
export interface KernelLlama {
  /** Bytes of weights (and their scales) read to produce one token. */
  readonly weightBytesPerToken: number;
  /** Runs `tokens` at positions `startPosition`…, filling the KV cache; returns the last token's logits. */
  forward(tokens: readonly number[], startPosition: number): Float32Array;
  /** Frees the prepared weights. */
  release(): void;
}

/** The weights of one linear layer in a recipe's precision, and the bytes a token reads from them. */
export function recipeLinearWeights(weights: Float32Array, rows: number, columns: number, recipe: BenchRecipe): { weights: LinearWeights; bytes: number } {
  const tensor = () => Tensor.fromArray(ScalarType.FLOAT, [rows, columns], weights);
  if (recipe === 'xnnpack_q8') {
    const { values, scales } = quantizeSymmetric(tensor(), 8, columns, { quantMin: -127, quantMax: 127 });
    return { weights: { kind: 'qc8w', weights: values.data as Int8Array, scales: scales.data as Float32Array, outFeatures: rows, inFeatures: columns }, bytes: rows * columns + rows * 4 };
  }
  if (recipe === 'xnnpack_8da4w' && columns % GROUP_SIZE_8DA4W === 0) {
    const { values, scales } = quantizeGroupwise(tensor(), 4, GROUP_SIZE_8DA4W);
    const groups = columns / GROUP_SIZE_8DA4W;
    return {
      weights: { kind: 'qb4w', weights: values.data as Int8Array, scales: scales.data as Float32Array, groupSize: GROUP_SIZE_8DA4W, outFeatures: rows, inFeatures: columns },
      bytes: (rows * columns) / 2 + rows * groups * 4,
    };
  }
  return { weights: { kind: 'f32', weights, outFeatures: rows, inFeatures: columns }, bytes: rows * columns * 4 };
}

function rmsNorm(input: Float32Array, weight: Float32Array, rows: number, size: number, epsilon: number, output: Float32Array): void {
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let index = 0; index < size; index++) sum += input[row * size + index]! ** 2;
    const scale = 1 / Math.sqrt(sum / size + epsilon);
    for (let index = 0; index < size; index++) output[row * size + index] = input[row * size + index]! * scale * weight[index]!;
  }
}

/** cos and sin of every (position, frequency) pair: [maxSequence, headDim / 2] each. */
function ropeTables(maxSequence: number, headDim: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  const half = headDim / 2;
  const cos = new Float64Array(maxSequence * half);
  const sin = new Float64Array(maxSequence * half);
  for (let position = 0; position < maxSequence; position++) {
    for (let index = 0; index < half; index++) {
      const angle = position / theta ** ((2 * index) / headDim);
      cos[position * half + index] = Math.cos(angle);
      sin[position * half + index] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Rotate-half RoPE (Hugging Face layout) on `rows` rows of `heads` heads, row r at position `start + r`. */
function applyRope(values: Float32Array, rows: number, heads: number, headDim: number, start: number, tables: { cos: Float64Array; sin: Float64Array }): void {
  const half = headDim / 2;
  for (let row = 0; row < rows; row++) {
    const table = (start + row) * half;
    for (let head = 0; head < heads; head++) {
      const base = (row * heads + head) * headDim;
      for (let index = 0; index < half; index++) {
        const cos = tables.cos[table + index]!;
        const sin = tables.sin[table + index]!;
        const first = values[base + index]!;
        const second = values[base + index + half]!;
        values[base + index] = first * cos - second * sin;
        values[base + index + half] = second * cos + first * sin;
      }
    }
  }
}

/** Prepares `model`'s weights on `kernels` in `recipe`'s precision, with a KV cache of `maxSequence` positions. */
export function createKernelLlama(kernels: XnnKernels, model: LlamaBenchModel, recipe: BenchRecipe, maxSequence: number): KernelLlama {
  const { hiddenSize, intermediateSize, layers, heads, kvHeads, headDim, vocabSize, rmsNormEps, ropeTheta } = model.shape;
  const prepared: PreparedLinear[] = [];
  let weightBytesPerToken = 0;
  const linear = (name: string, rows: number, columns: number): PreparedLinear => {
    const { weights, bytes } = recipeLinearWeights(model.tensor(name), rows, columns, recipe);
    const layer = kernels.prepareLinear(weights);
    prepared.push(layer);
    weightBytesPerToken += bytes;
    return layer;
  };
  const blocks = Array.from({ length: layers }, (_, layer) => {
    const prefix = `model.layers.${layer}.`;
    return {
      attentionNorm: model.tensor(`${prefix}input_layernorm.weight`),
      q: linear(`${prefix}self_attn.q_proj.weight`, heads * headDim, hiddenSize),
      k: linear(`${prefix}self_attn.k_proj.weight`, kvHeads * headDim, hiddenSize),
      v: linear(`${prefix}self_attn.v_proj.weight`, kvHeads * headDim, hiddenSize),
      o: linear(`${prefix}self_attn.o_proj.weight`, hiddenSize, heads * headDim),
      mlpNorm: model.tensor(`${prefix}post_attention_layernorm.weight`),
      gate: linear(`${prefix}mlp.gate_proj.weight`, intermediateSize, hiddenSize),
      up: linear(`${prefix}mlp.up_proj.weight`, intermediateSize, hiddenSize),
      down: linear(`${prefix}mlp.down_proj.weight`, hiddenSize, intermediateSize),
      keys: new Float32Array(kvHeads * maxSequence * headDim),
      values: new Float32Array(kvHeads * maxSequence * headDim),
    };
  });
  const embeddings = model.tensor('model.embed_tokens.weight');
  const finalNorm = model.tensor('model.norm.weight');
  const head = linear(model.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', vocabSize, hiddenSize);
  const rope = ropeTables(maxSequence, headDim, ropeTheta);
  const groups = heads / kvHeads;
  const attentionScale = 1 / Math.sqrt(headDim);
  // Activation buffers per number of rows, reused across calls (scores sized for the whole cache).
  const buffers = new Map<number, Record<'hidden' | 'normed' | 'query' | 'key' | 'value' | 'attention' | 'projected' | 'gate' | 'up' | 'groupQueries' | 'scores' | 'context', Float32Array>>();
  const buffersFor = (rows: number) => {
    let entry = buffers.get(rows);
    if (entry === undefined) {
      entry = {
        hidden: new Float32Array(rows * hiddenSize),
        normed: new Float32Array(rows * hiddenSize),
        query: new Float32Array(rows * heads * headDim),
        key: new Float32Array(rows * kvHeads * headDim),
        value: new Float32Array(rows * kvHeads * headDim),
        attention: new Float32Array(rows * heads * headDim),
        projected: new Float32Array(rows * hiddenSize),
        gate: new Float32Array(rows * intermediateSize),
        up: new Float32Array(rows * intermediateSize),
        groupQueries: new Float32Array(groups * rows * headDim),
        scores: new Float32Array(groups * rows * maxSequence),
        context: new Float32Array(groups * rows * headDim),
      };
      buffers.set(rows, entry);
    }
    return entry;
  };

  return {
    weightBytesPerToken,
    forward(tokens, startPosition) {
      const rows = tokens.length;
      const end = startPosition + rows;
      if (end > maxSequence) throw new Error(`positions up to ${end} exceed the KV cache of ${maxSequence}`);
      const { hidden, normed, query, key, value, attention, projected, gate, up, groupQueries, scores, context } = buffersFor(rows);
      tokens.forEach((token, row) => hidden.set(embeddings.subarray(token * hiddenSize, (token + 1) * hiddenSize), row * hiddenSize));
      for (const block of blocks) {
        rmsNorm(hidden, block.attentionNorm, rows, hiddenSize, rmsNormEps, normed);
        kernels.linear(block.q, normed, rows, query);
        kernels.linear(block.k, normed, rows, key);
        kernels.linear(block.v, normed, rows, value);
        applyRope(query, rows, heads, headDim, startPosition, rope);
        applyRope(key, rows, kvHeads, headDim, startPosition, rope);
        for (let row = 0; row < rows; row++) {
          for (let kvHead = 0; kvHead < kvHeads; kvHead++) {
            const source = (row * kvHeads + kvHead) * headDim;
            const target = (kvHead * maxSequence + startPosition + row) * headDim;
            block.keys.set(key.subarray(source, source + headDim), target);
            block.values.set(value.subarray(source, source + headDim), target);
          }
        }
        for (let kvHead = 0; kvHead < kvHeads; kvHead++) {
          // The query heads sharing this KV head, as [groups · rows, headDim] rows.
          for (let group = 0; group < groups; group++) {
            for (let row = 0; row < rows; row++) {
              const source = (row * heads + kvHead * groups + group) * headDim;
              groupQueries.set(query.subarray(source, source + headDim), (group * rows + row) * headDim);
            }
          }
          const cacheStart = kvHead * maxSequence * headDim;
          const keys = block.keys.subarray(cacheStart, cacheStart + end * headDim);
          const values = block.values.subarray(cacheStart, cacheStart + end * headDim);
          kernels.batchMatmul(groupQueries, keys, scores, { batch: 1, m: groups * rows, k: headDim, n: end, transposeB: true });
          for (let scoreRow = 0; scoreRow < groups * rows; scoreRow++) {
            const visible = startPosition + (scoreRow % rows) + 1;
            const base = scoreRow * end;
            let max = -Infinity;
            for (let column = 0; column < visible; column++) max = Math.max(max, scores[base + column]! * attentionScale);
            let sum = 0;
            for (let column = 0; column < end; column++) {
              const weight = column < visible ? Math.exp(scores[base + column]! * attentionScale - max) : 0;
              scores[base + column] = weight;
              sum += weight;
            }
            for (let column = 0; column < visible; column++) scores[base + column] = scores[base + column]! / sum;
          }
          kernels.batchMatmul(scores, values, context, { batch: 1, m: groups * rows, k: end, n: headDim });
          for (let group = 0; group < groups; group++) {
            for (let row = 0; row < rows; row++) {
              const source = (group * rows + row) * headDim;
              attention.set(context.subarray(source, source + headDim), (row * heads + kvHead * groups + group) * headDim);
            }
          }
        }
        kernels.linear(block.o, attention, rows, projected);
        for (let index = 0; index < hidden.length; index++) hidden[index] = hidden[index]! + projected[index]!;
        rmsNorm(hidden, block.mlpNorm, rows, hiddenSize, rmsNormEps, normed);
        kernels.linear(block.gate, normed, rows, gate);
        kernels.linear(block.up, normed, rows, up);
        for (let index = 0; index < gate.length; index++) {
          const g = gate[index]!;
          gate[index] = (g / (1 + Math.exp(-g))) * up[index]!;
        }
        kernels.linear(block.down, gate, rows, projected);
        for (let index = 0; index < hidden.length; index++) hidden[index] = hidden[index]! + projected[index]!;
      }
      const last = new Float32Array(hiddenSize);
      rmsNorm(hidden.subarray((rows - 1) * hiddenSize), finalNorm, 1, hiddenSize, rmsNormEps, last);
      const logits = new Float32Array(vocabSize);
      kernels.linear(head, last, 1, logits);
      return logits;
    },
    release() {
      for (const layer of prepared) kernels.releaseLinear(layer);
      prepared.length = 0;
    },
  };
}
