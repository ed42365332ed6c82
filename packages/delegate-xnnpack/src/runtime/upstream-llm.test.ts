// ExecuTorch's own XNNPACK exports of stories260K, loaded by etch's runtime with this package's
// runtime backend, against the logits ExecuTorch recorded for the same inputs.

import { ScalarType, Tensor } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { Module } from '@etch/runtime';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../test/read-safetensors.js';
import { UPSTREAM_DIRECTORY } from '../../test/upstream-payloads.js';
import { xnnpackRuntime } from './xnnpack-runtime.js';

function int64Tensor(entry: { shape: number[]; bytes: Uint8Array }): Tensor {
  return Tensor.fromArray(ScalarType.LONG, entry.shape, new BigInt64Array(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength / 8));
}

function compare(actual: Tensor, expected: Float32Array, vocabulary: number): { maxDifference: number; argmaxMismatches: number } {
  const data = actual.data as Float32Array;
  let maxDifference = 0;
  for (let i = 0; i < expected.length; i++) maxDifference = Math.max(maxDifference, Math.abs(data[i]! - expected[i]!));
  let argmaxMismatches = 0;
  for (let row = 0; row < expected.length / vocabulary; row++) {
    const argmax = (values: Float32Array) => {
      let best = 0;
      for (let i = 1; i < vocabulary; i++) if (values[row * vocabulary + i]! > values[row * vocabulary + best]!) best = i;
      return best;
    };
    if (argmax(data) !== argmax(expected)) argmaxMismatches++;
  }
  return { maxDifference, argmaxMismatches };
}

const CASES = [
  { variant: 'xnnpack_static', tolerance: 1e-4, onlySingleTokenSteps: false },
  { variant: 'xnnpack_dynamic', tolerance: 1e-4, onlySingleTokenSteps: false },
  { variant: 'xnnpack_q8_static', tolerance: 1e-2, onlySingleTokenSteps: false },
  { variant: 'xnnpack_q8_dynamic', tolerance: 1e-2, onlySingleTokenSteps: true },
];

describe.each(CASES)('upstream stories260K $variant through xnnpackRuntime', ({ variant, tolerance, onlySingleTokenSteps }) => {
  const program = findSharedData(`${UPSTREAM_DIRECTORY}/${variant}.pte`);
  const referencePath = findSharedData(`${UPSTREAM_DIRECTORY}/${variant}.ref_io.safetensors`);

  it.skipIf(!program || !referencePath)(`reproduces the recorded logits within ${tolerance} with the same argmax`, async () => {
    const module = await Module.load(program!, { backends: [xnnpackRuntime({ kernels: 'typescript' })] });
    const reference = readSafetensors(referencePath!);
    const steps = [...reference.keys()].filter((name) => name.endsWith('.logits')).length;
    expect(steps).toBeGreaterThan(1);
    let checked = 0;
    for (let step = 0; step < steps; step++) {
      const inputIds = reference.get(`step${step}.input_ids`)!;
      const logits = reference.get(`step${step}.logits`)!;
      const [output] = module.forward([int64Tensor(inputIds), int64Tensor(reference.get(`step${step}.cache_position`)!)]);
      const tensor = output as Tensor;
      expect(tensor.shape).toEqual(logits.shape);
      if (onlySingleTokenSteps && inputIds.shape[inputIds.shape.length - 1] !== 1) continue;
      const expected = new Float32Array(logits.bytes.buffer, logits.bytes.byteOffset, logits.bytes.byteLength / 4);
      const { maxDifference, argmaxMismatches } = compare(tensor, expected, logits.shape[logits.shape.length - 1]!);
      expect(maxDifference, `step ${step}`).toBeLessThan(tolerance);
      expect(argmaxMismatches, `step ${step}`).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
