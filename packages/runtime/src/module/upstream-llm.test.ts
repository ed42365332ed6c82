import { type RuntimeValue, ScalarType, Tensor } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../test/read-safetensors.js';
import { Module } from './module.js';

const directory = 'conformance/upstream-llm/stories260K';

function int64Tensor(entry: { shape: number[]; bytes: Uint8Array }): Tensor {
  return Tensor.fromArray(ScalarType.LONG, entry.shape, new BigInt64Array(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength / 8));
}

function maxAbsoluteDifference(actual: RuntimeValue, expected: Float32Array): number {
  if (!(actual instanceof Tensor) || !(actual.data instanceof Float32Array)) throw new Error('logits must be a float32 tensor');
  expect(actual.numel).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual.data[i]! - expected[i]!));
  return max;
}

describe.each(['portable_static', 'portable_dynamic'])('upstream stories260K %s', (variant) => {
  const program = findSharedData(`${directory}/${variant}.pte`);
  const referencePath = findSharedData(`${directory}/${variant}.ref_io.safetensors`);

  it.skipIf(!program || !referencePath)('reproduces every recorded step within 1e-4, the KV cache carrying over', async () => {
    const module = await Module.load(program!);
    const reference = readSafetensors(referencePath!);
    const steps = [...reference.keys()].filter((name) => name.endsWith('.logits')).length;
    expect(steps).toBeGreaterThan(1);
    for (let step = 0; step < steps; step++) {
      const inputIds = reference.get(`step${step}.input_ids`)!;
      const cachePosition = reference.get(`step${step}.cache_position`)!;
      const logits = reference.get(`step${step}.logits`)!;
      const [output] = module.forward([int64Tensor(inputIds), int64Tensor(cachePosition)]);
      expect((output as Tensor).shape).toEqual(logits.shape);
      const expected = new Float32Array(logits.bytes.buffer, logits.bytes.byteOffset, logits.bytes.byteLength / 4);
      expect(maxAbsoluteDifference(output!, expected), `step ${step}`).toBeLessThan(1e-4);
    }
  });

  it.skipIf(!program)('reads its metadata from the constant methods', async () => {
    const module = await Module.load(program!);
    expect(module.metadata()).toEqual({
      get_max_seq_len: 128,
      get_max_context_len: 128,
      get_vocab_size: 512,
      get_bos_id: 1,
      get_eos_ids: [2],
      use_kv_cache: true,
      use_sdpa_with_kv_cache: false,
      enable_dynamic_shape: variant === 'portable_dynamic',
    });
  });
});
