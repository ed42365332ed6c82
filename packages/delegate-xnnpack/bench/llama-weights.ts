/**
 * Weights of the benchmark models, by Hugging Face tensor name: a float32 safetensors checkpoint
 * read from disk, or deterministic random weights for a given shape (a stand-in with the shape,
 * and so the speed, of a real model). Both the kernel-level runner and the GGUF files for
 * llama.cpp read the same source, so every runtime runs the same weights.
 */

import { readFile } from 'node:fs/promises';
import type { LlamaShape, LlamaTensorSource } from '@etch/tools/gguf';

/** A Llama-architecture model to benchmark. */
export interface LlamaBenchModel {
  readonly id: string;
  readonly shape: LlamaShape;
  readonly tiedEmbeddings: boolean;
  /** Float32 tensors by Hugging Face name. */
  readonly tensor: LlamaTensorSource;
}

/** Shape of the tensor called `name` in a Llama checkpoint: [rows, columns] or [length]. */
export function llamaTensorShape(shape: LlamaShape, name: string): number[] {
  const { hiddenSize, intermediateSize, heads, kvHeads, headDim, vocabSize } = shape;
  if (name === 'model.embed_tokens.weight' || name === 'lm_head.weight') return [vocabSize, hiddenSize];
  if (name.endsWith('norm.weight')) return [hiddenSize];
  const suffix = name.slice(name.indexOf('.', 'model.layers.'.length) + 1);
  const shapes: Record<string, number[]> = {
    'self_attn.q_proj.weight': [heads * headDim, hiddenSize],
    'self_attn.k_proj.weight': [kvHeads * headDim, hiddenSize],
    'self_attn.v_proj.weight': [kvHeads * headDim, hiddenSize],
    'self_attn.o_proj.weight': [hiddenSize, heads * headDim],
    'mlp.gate_proj.weight': [intermediateSize, hiddenSize],
    'mlp.up_proj.weight': [intermediateSize, hiddenSize],
    'mlp.down_proj.weight': [hiddenSize, intermediateSize],
  };
  const result = shapes[suffix];
  if (result === undefined) throw new Error(`unknown Llama tensor ${name}`);
  return result;
}

function hashName(name: string, seed: number): number {
  let hash = seed ^ 0x811c9dc5;
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/**
 * Deterministic random weights: norms are 1, matrices uniform in ±1/√columns (so activations stay
 * in a realistic range); generated on first use and kept.
 */
export function randomLlamaWeights(shape: LlamaShape, seed: number): LlamaTensorSource {
  const cache = new Map<string, Float32Array>();
  return (name) => {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const dimensions = llamaTensorShape(shape, name);
    const length = dimensions.reduce((product, dimension) => product * dimension, 1);
    const values = new Float32Array(length);
    if (dimensions.length === 1) values.fill(1);
    else {
      const amplitude = 1 / Math.sqrt(dimensions[1]!);
      let state = hashName(name, seed);
      for (let index = 0; index < length; index++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        values[index] = ((state >>> 0) / 4294967296 - 0.5) * 2 * amplitude;
      }
    }
    cache.set(name, values);
    return values;
  };
}

/** Reads the float32 tensors of a safetensors file. */
export async function readSafetensorsF32(path: string): Promise<LlamaTensorSource> {
  const bytes = await readFile(path);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const dataStart = 8 + headerLength;
  return (name) => {
    const entry = header[name];
    if (entry === undefined || name === '__metadata__') throw new Error(`${path} has no tensor ${name}`);
    if (entry.dtype !== 'F32') throw new Error(`${path}: ${name} is ${entry.dtype}, only F32 is supported here`);
    const [start, end] = entry.data_offsets;
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(dataStart + start, dataStart + end));
    return new Float32Array(copy.buffer);
  };
}
