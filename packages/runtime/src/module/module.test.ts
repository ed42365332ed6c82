import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RuntimeValue, ScalarType, Tensor, UnsupportedOperatorError, readPte } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors.js';
import { type LoadProgress, Module } from './module.js';

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

  it.skipIf(!upstream('hist_module_model_2023.pte'))('hist_module_model_2023: where(mean(x) == 0, c, mean(x))', async () => {
    const constant = constantBufferFloats(upstream('hist_module_model_2023.json')!, 1)[0]!;
    const module = await Module.load(upstream('hist_module_model_2023.pte')!);
    const [nonZero] = module.forward([floats([1, 2], [1, 4])]);
    expect(floatValues(nonZero)).toEqual([2.5]);
    const [zero] = module.forward([floats([1, 2], [3, -3])]);
    expect(floatValues(zero)).toEqual([constant]);
  });

  it.skipIf(!upstream('hist_module_linear.pte'))('hist_module_linear: x·Wᵀ + b with W and b from its .ptd', async () => {
    const ptd = readFileSync(upstream('hist_module_linear.ptd')!);
    // The FlatTensor header: u64 segment_base_offset at byte 32; weight at segment offset 0, bias at 48.
    const base = Number(new DataView(ptd.buffer, ptd.byteOffset).getBigUint64(32, true));
    const data = new DataView(ptd.buffer, ptd.byteOffset + base);
    const weight = Array.from({ length: 9 }, (_, i) => data.getFloat32(i * 4, true));
    const bias = Array.from({ length: 3 }, (_, i) => data.getFloat32(48 + i * 4, true));
    const module = await Module.load(upstream('hist_module_linear.pte')!, { dataFiles: [upstream('hist_module_linear.ptd')!] });
    const x = [1, -2, 0.5, 0, 3, -1, 0.25, 0.75, 2];
    const [out] = module.forward([floats([3, 3], x)]);
    const expected = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map((j) => bias[j]! + [0, 1, 2].reduce((sum, k) => sum + x[i * 3 + k]! * weight[j * 3 + k]!, 0)),
    );
    floatValues(out).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
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

describe('Module sources', () => {
  it.skipIf(!upstream('arduino_AddModel.pte'))('loads from a URL, reporting progress, and names a failed fetch', async () => {
    const bytes = readFileSync(upstream('arduino_AddModel.pte')!);
    const server = createServer((request, response) => {
      if (request.url === '/model.pte') response.writeHead(200, { 'content-length': bytes.byteLength }).end(bytes);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const progress: LoadProgress[] = [];
      const module = await Module.load(`${origin}/model.pte`, { onProgress: (event) => progress.push(event) });
      expect(floatValues(module.forward([floats([3], [1, 2, 3])])[0])).toEqual([2, 3, 4]);
      const reads = progress.filter((event) => event.stage === 'read');
      expect(reads.at(-1)).toEqual({ stage: 'read', completed: bytes.byteLength, total: bytes.byteLength });
      expect(progress.map((event) => event.stage)).toContain('methods');
      await expect(Module.load(`${origin}/missing.pte`)).rejects.toThrow(/HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('names an unreadable file path', async () => {
    await expect(Module.load('/nonexistent/model.pte')).rejects.toThrow(/source: cannot read \/nonexistent\/model\.pte/);
  });
});
