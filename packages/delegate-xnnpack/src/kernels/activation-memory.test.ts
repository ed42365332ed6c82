// The activation memory of every kernel set (WebAssembly SIMD128, scalar WebAssembly, TypeScript):
// elementwise kernels against the host loops (exact for arithmetic, a few ulp where exp or a
// reciprocal square root is approximated), and the by-address matrix kernels against the
// array-based ones.

import { describe, expect, it } from 'vitest';
import { BINARY_OPERATORS, UNARY_OPERATORS, type ActivationMemory } from './activation-memory.js';
import { binaryLoop, softmaxLoop, unaryLoop } from './activation-loops.js';
import { createXnnKernels } from './create-xnn-kernels.js';
import { webAssemblySimdSupported } from './simd-support.js';
import { typescriptXnnKernels } from './typescript-kernels.js';
import type { XnnKernels } from './xnn-kernels.js';

function floats(length: number, seed: number, scale = 4): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648 - 0.5) * 2 * scale;
  });
}

function put(memory: ActivationMemory, values: Float32Array): number {
  const address = memory.allocate(values.byteLength);
  memory.floats().set(values, address >> 2);
  return address;
}

const read = (memory: ActivationMemory, address: number, length: number) => memory.floats().slice(address >> 2, (address >> 2) + length);

const kernelSets: [string, () => Promise<XnnKernels>][] = [
  ['typescript', async () => typescriptXnnKernels()],
  ['wasm', () => createXnnKernels({ simd: false })],
  ...(webAssemblySimdSupported() ? ([['wasm-simd', () => createXnnKernels({ simd: true })]] as [string, () => Promise<XnnKernels>][]) : []),
];

describe.each(kernelSets)('%s activation memory', (_, create) => {
  it('computes every binary operator with each broadcast pattern exactly', async () => {
    const { activations } = await create();
    // n = 2 · 3 · 7 = 42 elements: y the same shape, repeated every 7 or 21, a scalar, stretched over 7 or 6.
    const n = 42;
    const x = floats(n, 1);
    for (const [period, inner, yLength] of [[n, 1, n], [7, 1, 7], [21, 1, 21], [1, 1, 1], [1, 7, 6], [1, 6, 7]] as const) {
      const y = floats(yLength, 2 + period + inner);
      for (let operator = 0; operator < BINARY_OPERATORS.length; operator++) {
        const [xa, ya, oa] = [put(activations, x), put(activations, y), activations.allocate(n * 4)];
        activations.binary(operator, xa, ya, oa, n, period, inner);
        const expected = new Float32Array(n * 3);
        expected.set(x, 0);
        expected.set(y, n);
        binaryLoop(expected, operator, 0, n * 4, n * 8, n, period, inner);
        expect([...read(activations, oa, n)], `${BINARY_OPERATORS[operator]} period ${period} inner ${inner}`).toEqual([...expected.subarray(2 * n)]);
      }
    }
  });

  it('computes unary operators within a few ulp of the host loops', async () => {
    const { activations } = await create();
    const n = 103;
    const x = floats(n, 5, 20);
    x[0] = -100;
    x[1] = 100;
    x[2] = 0;
    for (let operator = 0; operator < UNARY_OPERATORS.length; operator++) {
      const name = UNARY_OPERATORS[operator]!;
      const input = name === 'ReciprocalSquareRoot' || name === 'SquareRoot' ? x.map((v) => Math.abs(v) + 0.01) : x;
      const [xa, oa] = [put(activations, input), activations.allocate(n * 4)];
      activations.unary(operator, xa, oa, n);
      const expected = new Float32Array(n * 2);
      expected.set(input);
      unaryLoop(expected, operator, 0, n * 4, n);
      const actual = read(activations, oa, n);
      for (let i = 0; i < n; i++) {
        const want = expected[n + i]!;
        expect(Math.abs(actual[i]! - want), `${name}(${input[i]})`).toBeLessThanOrEqual(Math.abs(want) * 4e-7 + 1e-30);
      }
    }
  });

  it('computes softmax rows within a few ulp, masked columns exactly 0', async () => {
    const { activations } = await create();
    const [rows, width] = [5, 37];
    const x = floats(rows * width, 9, 30);
    for (let row = 0; row < rows; row++) x[row * width + width - 1 - row] = -Infinity;
    const [xa, oa] = [put(activations, x), activations.allocate(x.byteLength)];
    activations.softmax(xa, oa, rows, width);
    const expected = new Float32Array(x.length * 2);
    expected.set(x);
    softmaxLoop(expected, 0, x.length * 4, rows, width);
    const actual = read(activations, oa, x.length);
    for (let i = 0; i < x.length; i++) {
      if (x[i] === -Infinity) expect(actual[i]).toBe(0);
      else expect(Math.abs(actual[i]! - expected[x.length + i]!)).toBeLessThanOrEqual(expected[x.length + i]! * 1e-6 + 1e-12);
    }
  });

  it('runs fully connected layers and batch matrix products by address as on arrays', async () => {
    const kernels = await create();
    const { activations } = kernels;
    const [rows, k, n] = [3, 20, 9];
    const prepared = kernels.prepareLinear({ kind: 'f32', outFeatures: n, inFeatures: k, weights: floats(n * k, 11), bias: floats(n, 12) });
    const quantized = kernels.prepareLinear({ kind: 'qc8w', outFeatures: n, inFeatures: k, weights: Int8Array.from(floats(n * k, 13), (v) => Math.round(v * 30)), scales: floats(n, 14).map(Math.abs) });
    const input = floats(rows * k, 15);
    for (const layer of [prepared, quantized]) {
      const expected = new Float32Array(rows * n);
      kernels.linear(layer, input, rows, expected);
      const [ia, oa] = [put(activations, input), activations.allocate(rows * n * 4)];
      activations.linear(layer, ia, rows, oa);
      expect([...read(activations, oa, rows * n)]).toEqual([...expected]);
    }
    const [batch, m] = [2, 3];
    const a = floats(batch * m * k, 16);
    const b = floats(batch * k * n, 17);
    for (const transposeB of [false, true]) {
      const expected = new Float32Array(batch * m * n);
      kernels.batchMatmul(a, b, expected, { batch, m, k, n, transposeB });
      const [aa, ba, oa] = [put(activations, a), put(activations, b), activations.allocate(expected.byteLength)];
      activations.batchMatmul(aa, ba, oa, { batch, m, k, n, transposeB });
      expect([...read(activations, oa, expected.length)]).toEqual([...expected]);
    }
  });
});
