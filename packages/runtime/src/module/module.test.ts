import { readFileSync } from 'node:fs';
import { type RuntimeValue, ScalarType, Tensor, UnsupportedOperatorError, readPte } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors.js';
import { Module } from './module.js';

const upstream = (name: string) => findSharedData(`conformance/upstream/${name}`);

/** The float32 values of a `constant_buffer` entry in an upstream flatc JSON decode. */
function constantBufferFloats(jsonPath: string, index: number): Float32Array {
  const decoded = JSON.parse(readFileSync(jsonPath, 'utf8')) as { constant_buffer: { storage: number[] }[] };
  return new Float32Array(Uint8Array.from(decoded.constant_buffer[index]!.storage).buffer);
}

/** The elements of a float32 tensor output. */
function floatValues(value: RuntimeValue | undefined): number[] {
  if (!(value instanceof Tensor) || !(value.data instanceof Float32Array)) throw new Error('expected a float32 tensor');
  return Array.from(value.data);
}

const floats = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));

describe('Module on upstream portable vectors', () => {
  it.skipIf(!upstream('apple_add.pte'))('apple_add: forward(a, b) = a + b, repeatedly', async () => {
    const module = await Module.load(upstream('apple_add.pte')!);
    expect(module.methodNames()).toEqual(['forward']);
    const meta = module.methodMeta('forward');
    expect(meta.inputs.map((input) => input.kind === 'tensor' && [input.dtypeName, input.sizes])).toEqual([
      ['FLOAT', [1]],
      ['FLOAT', [1]],
    ]);
    expect(meta.plannedBufferSizes).toEqual([48]);
    for (const [a, b] of [[2, 3.5], [-1.25, 0.25], [1e6, 1]] as const) {
      const [sum] = module.forward([floats([1], [a]), floats([1], [b])]);
      expect(floatValues(sum)).toEqual([Math.fround(a + b)]);
    }
  });

  it.skipIf(!upstream('arduino_AddModel.pte'))('arduino_AddModel: x + 1 with the constant from the constant segment', async () => {
    const module = await Module.load(readFileSync(upstream('arduino_AddModel.pte')!));
    const [out] = module.forward([floats([3], [41, -1, 0.25])]);
    expect(floatValues(out)).toEqual([42, 0, 1.25]);
  });

  it.skipIf(!upstream('ModuleLinear-no-constant-segment.pte'))('ModuleLinear: constants from the deprecated constant_buffer', async () => {
    const json = upstream('ModuleLinear-no-constant-segment.json')!;
    const scale = constantBufferFloats(json, 1);
    const shift = constantBufferFloats(json, 2);
    const module = await Module.load(upstream('ModuleLinear-no-constant-segment.pte')!);
    const x = [0.5, -2, 3, 10];
    const [out] = module.forward([floats([2, 2], x)]);
    expect(floatValues(out)).toEqual(x.map((value, i) => Math.fround(Math.fround(scale[i]! * value) + shift[i]!)));
  });

  it.skipIf(!upstream('hist_module_linear.pte'))('hist_module_linear without its .ptd fails at load, naming the weight', async () => {
    await expect(Module.load(upstream('hist_module_linear.pte')!)).rejects.toThrow(/linear\.weight.*dataFiles|linear\.weight/);
  });
});

describe('Module load errors', () => {
  it.skipIf(!upstream('apple_add.pte'))('an operator the registry lacks fails at load, naming it and the method', async () => {
    const program = readPte(readFileSync(upstream('apple_add.pte')!));
    program.executionPlans[0]!.operators[0] = { name: 'custom::frobnicate', overload: 'out' };
    const error = await Module.fromProgram(program).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedOperatorError);
    expect((error as UnsupportedOperatorError).op).toBe('custom::frobnicate.out');
    expect((error as Error).message).toContain("method 'forward'");
  });

  it.skipIf(!upstream('qnn_stories260k_hybrid_llama.pte'))('a delegate without its backend fails at load, naming backend and method', async () => {
    const error = await Module.load(upstream('qnn_stories260k_hybrid_llama.pte')!).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).backendId).toBe('QnnBackend');
    expect((error as BackendUnavailableError).method).toBe('kv_forward');
  });

  it.skipIf(!upstream('qnn_stories260k_hybrid_llama.pte'))('constant getters read without running anything', async () => {
    const program = readPte(readFileSync(upstream('qnn_stories260k_hybrid_llama.pte')!));
    program.executionPlans = program.executionPlans.filter((plan) => plan.delegates.length === 0);
    const module = await Module.fromProgram(program);
    const metadata = module.metadata();
    expect(metadata.get_max_seq_len).toBeTypeOf('number');
    expect(metadata.get_use_kv_cache).toBe(true);
    expect(Array.isArray(metadata.get_kv_output_0_quant_attr)).toBe(true);
  });

  it.skipIf(!upstream('apple_add.pte'))('wrong inputs are rejected with the method and position named', async () => {
    const module = await Module.load(upstream('apple_add.pte')!);
    expect(() => module.forward([floats([1], [1])])).toThrow(/takes 2 inputs/);
    expect(() => module.forward([floats([2], [1, 2]), floats([1], [1])])).toThrow(/forward input 0.*\[2\]/);
    expect(() => module.execute('backward', [])).toThrow(/not a method/);
  });
});
