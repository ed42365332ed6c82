// Every kernel implementation (WebAssembly SIMD128, scalar WebAssembly, TypeScript) against
// straightforward reference loops: bit-exact on the quantized paths, tight tolerance in float32.

import { describe, expect, it } from 'vitest';
import { createXnnKernels } from './create-xnn-kernels.js';
import { webAssemblySimdSupported } from './simd-support.js';
import { typescriptXnnKernels } from './typescript-kernels.js';
import type { XnnKernels } from './xnn-kernels.js';

const fround = Math.fround;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function floats(length: number, seed: number, low = -1, high = 1): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length }, () => low + (high - low) * next());
}

function integers(length: number, seed: number, low: number, high: number): Int8Array {
  const next = random(seed);
  return Int8Array.from({ length }, () => low + Math.floor((high - low + 1) * next()));
}

/** XNNPACK's reference: parameters from `xnn_qd8_asymmetric_quantization_params`, q = clamp(lrintf(x · scale) + zp). */
function referenceQuantize(row: Float32Array): { values: number[]; scale: number; zeroPoint: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of row) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const rmin = Math.min(0, min);
  const rmax = Math.max(0, max);
  const scale = rmin === rmax ? 1 : fround(255 / fround(rmax - rmin));
  const descaledMin = fround(rmin * scale);
  const descaledMax = fround(rmax * scale);
  let zeroPoint = fround(fround(-128 + descaledMin) + fround(127 + descaledMax)) > 0 ? fround(-128 - descaledMin) : fround(127 - descaledMax);
  zeroPoint = Math.min(Math.max(zeroPoint, -128), 127);
  const rint = (value: number) => {
    const floor = Math.floor(value);
    const fraction = value - floor;
    return fraction > 0.5 || (fraction === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  };
  zeroPoint = rint(zeroPoint);
  const inverseScale = fround(1 / scale);
  // The operator passes 1 / inv_scale to the converter (xnn_compute_f32_qd8_convert).
  const multiplier = fround(1 / inverseScale);
  const values = Array.from(row, (value) => Math.min(127, Math.max(-128, rint(fround(value * multiplier)) + zeroPoint)));
  return { values, scale: inverseScale, zeroPoint };
}

function referenceLinearF32(input: Float32Array, weights: Float32Array, bias: Float32Array | undefined, rows: number, k: number, n: number): Float64Array {
  const output = new Float64Array(rows * n);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < n; column++) {
      let sum = bias ? bias[column]! : 0;
      for (let index = 0; index < k; index++) sum += input[row * k + index]! * weights[column * k + index]!;
      output[row * n + column] = sum;
    }
  }
  return output;
}

function referenceLinearQuantized(input: Float32Array, weights: Int8Array, scales: Float32Array, groupSize: number | undefined, bias: Float32Array | undefined, rows: number, k: number, n: number): Float32Array {
  const output = new Float32Array(rows * n);
  for (let row = 0; row < rows; row++) {
    const quantized = referenceQuantize(input.subarray(row * k, (row + 1) * k));
    for (let column = 0; column < n; column++) {
      const term = (index: number) => (quantized.values[index]! - quantized.zeroPoint) * weights[column * k + index]!;
      let result: number;
      if (groupSize === undefined) {
        let sum = 0;
        for (let index = 0; index < k; index++) sum += term(index);
        result = fround(fround(fround(sum) * quantized.scale) * scales[column]!);
      } else {
        const groups = k / groupSize;
        let sum = 0;
        for (let group = 0; group < groups; group++) {
          let groupSum = 0;
          for (let index = group * groupSize; index < (group + 1) * groupSize; index++) groupSum += term(index);
          sum = fround(sum + fround(groupSum * scales[column * groups + group]!));
        }
        result = fround(sum * quantized.scale);
      }
      output[row * n + column] = fround(result + (bias ? bias[column]! : 0));
    }
  }
  return output;
}

function expectClose(actual: Float32Array, expected: Float64Array, input: Float32Array, weights: Float32Array, k: number): void {
  const scale = Math.max(...Array.from(input, Math.abs)) * Math.max(...Array.from(weights, Math.abs)) * k;
  for (let index = 0; index < expected.length; index++) {
    expect(Math.abs(actual[index]! - expected[index]!), `element ${index}`).toBeLessThanOrEqual(2e-6 * scale + 1e-7);
  }
}

const implementations: [string, () => Promise<XnnKernels>][] = [
  ['typescript', async () => typescriptXnnKernels()],
  ['wasm', () => createXnnKernels({ simd: false })],
];
if (webAssemblySimdSupported()) implementations.push(['wasm-simd', () => createXnnKernels({ simd: true })]);

const linearShapes = [
  { rows: 1, k: 1, n: 1 },
  { rows: 1, k: 37, n: 5 },
  { rows: 1, k: 64, n: 9 },
  { rows: 3, k: 33, n: 4 },
  { rows: 4, k: 16, n: 2 },
  { rows: 5, k: 100, n: 7 },
  { rows: 9, k: 128, n: 11 },
];

describe.each(implementations)('%s kernels', (name, create) => {
  it('reports its implementation', async () => {
    const kernels = await create();
    expect(kernels.implementation).toBe(name);
  });

  it('quantizes rows like XNNPACK (qd8)', async () => {
    const kernels = await create();
    const rows: Float32Array[] = [
      floats(45, 1),
      floats(45, 2, 0.5, 3),
      floats(45, 3, -7, -0.25),
      new Float32Array(45),
      Float32Array.from({ length: 45 }, (_, index) => (index - 20) / 8),
      floats(45, 4, -1000, 3),
      // Range 255 (multiplier 1) with ties: the zero point (-27.5) and values round half to even.
      Float32Array.from({ length: 45 }, (_, index) => (index === 0 ? -100.5 : index === 1 ? 154.5 : index / 2 - 11)),
    ];
    const input = new Float32Array(rows.length * 45);
    rows.forEach((row, index) => input.set(row, index * 45));
    const result = kernels.quantizeQd8(input, rows.length, 45);
    rows.forEach((row, index) => {
      const expected = referenceQuantize(row);
      expect(result.scales[index]).toBe(expected.scale);
      expect(result.zeroPoints[index]).toBe(expected.zeroPoint);
      expect(Array.from(result.values.subarray(index * 45, (index + 1) * 45))).toEqual(expected.values);
    });
  });

  it.each(linearShapes)('computes float32 linear layers ($rows×$k → $n)', async ({ rows, k, n }) => {
    const kernels = await create();
    const weights = floats(n * k, 10 + k);
    const bias = floats(n, 11);
    const input = floats(rows * k, 12 + rows);
    for (const withBias of [false, true]) {
      const prepared = kernels.prepareLinear({ kind: 'f32', weights, outFeatures: n, inFeatures: k, bias: withBias ? bias : undefined });
      const output = new Float32Array(rows * n);
      kernels.linear(prepared, input, rows, output);
      expectClose(output, referenceLinearF32(input, weights, withBias ? bias : undefined, rows, k, n), input, weights, k);
    }
  });

  it.each(linearShapes)('computes qd8 × qc8w linear layers exactly ($rows×$k → $n)', async ({ rows, k, n }) => {
    const kernels = await create();
    const weights = integers(n * k, 20 + k, -127, 127);
    const scales = floats(n, 21, 0.001, 0.05);
    const bias = floats(n, 22);
    const input = floats(rows * k, 23 + rows, -3, 2);
    for (const withBias of [false, true]) {
      const layerBias = withBias ? bias : undefined;
      const prepared = kernels.prepareLinear({ kind: 'qc8w', weights, scales, outFeatures: n, inFeatures: k, bias: layerBias });
      const output = new Float32Array(rows * n);
      kernels.linear(prepared, input, rows, output);
      expect(output).toEqual(referenceLinearQuantized(input, weights, scales, undefined, layerBias, rows, k, n));
    }
  });

  it.each([
    { rows: 1, k: 32, n: 3, groupSize: 32 },
    { rows: 1, k: 128, n: 5, groupSize: 32 },
    { rows: 3, k: 128, n: 4, groupSize: 64 },
    { rows: 6, k: 256, n: 7, groupSize: 128 },
  ])('computes qd8 × qb4w linear layers exactly ($rows×$k → $n, group $groupSize)', async ({ rows, k, n, groupSize }) => {
    const kernels = await create();
    const weights = integers(n * k, 30 + k, -8, 7);
    const scales = floats(n * (k / groupSize), 31, 0.001, 0.2);
    const bias = floats(n, 32);
    const input = floats(rows * k, 33 + rows, -2, 5);
    const prepared = kernels.prepareLinear({ kind: 'qb4w', weights, scales, groupSize, outFeatures: n, inFeatures: k, bias });
    const output = new Float32Array(rows * n);
    kernels.linear(prepared, input, rows, output);
    expect(output).toEqual(referenceLinearQuantized(input, weights, scales, groupSize, bias, rows, k, n));
  });

  it.each([false, true])('multiplies batches of matrices (transposeB %s)', async (transposeB) => {
    const kernels = await create();
    const [batch, m, k, n] = [3, 5, 19, 6];
    const a = floats(batch * m * k, 40);
    const b = floats(batch * k * n, 41);
    const output = new Float32Array(batch * m * n);
    kernels.batchMatmul(a, b, output, { batch, m, k, n, transposeB });
    for (let index = 0; index < batch; index++) {
      const aBatch = a.subarray(index * m * k, (index + 1) * m * k);
      const bBatch = b.subarray(index * k * n, (index + 1) * k * n);
      // As a linear layer, B is [n, k]; transpose it when given as [k, n].
      const bRows = transposeB ? bBatch : Float32Array.from({ length: k * n }, (_, flat) => bBatch[(flat % k) * n + Math.floor(flat / k)]!);
      expectClose(output.subarray(index * m * n, (index + 1) * m * n), referenceLinearF32(aBatch, bRows, undefined, m, k, n), aBatch, bRows, k);
    }
  });

  it('keeps prepared layers intact while memory grows and after others are released', async () => {
    const kernels = await create();
    const small = { kind: 'qc8w' as const, weights: integers(8 * 40, 50, -127, 127), scales: floats(8, 51, 0.01, 0.02), outFeatures: 8, inFeatures: 40 };
    const input = floats(40, 52);
    const expected = referenceLinearQuantized(input, small.weights, small.scales, undefined, undefined, 1, 40, 8);
    const prepared = kernels.prepareLinear(small);
    const large = kernels.prepareLinear({ kind: 'f32', weights: floats(1024 * 1024, 53), outFeatures: 1024, inFeatures: 1024 });
    const output = new Float32Array(8);
    kernels.linear(prepared, input, 1, output);
    expect(output).toEqual(expected);
    kernels.releaseLinear(large);
    const again = kernels.prepareLinear(small);
    kernels.linear(again, input, 1, output);
    expect(output).toEqual(expected);
    kernels.releaseLinear(prepared);
    expect(() => kernels.linear(prepared, input, 1, output)).toThrow(/released/);
    kernels.dispose();
    expect(() => kernels.linear(again, input, 1, output)).toThrow(/disposed/);
  });

  it('rejects malformed layers and calls', async () => {
    const kernels = await create();
    expect(() => kernels.prepareLinear({ kind: 'f32', weights: new Float32Array(5), outFeatures: 2, inFeatures: 3 })).toThrow(/weights/);
    expect(() => kernels.prepareLinear({ kind: 'qb4w', weights: new Int8Array(96), scales: new Float32Array(2), groupSize: 48, outFeatures: 1, inFeatures: 96 })).toThrow(/groupSize/);
    expect(() => kernels.prepareLinear({ kind: 'qb4w', weights: new Int8Array(32).fill(8), scales: new Float32Array(1), groupSize: 32, outFeatures: 1, inFeatures: 32 })).toThrow(/\[-8, 7\]/);
    const prepared = kernels.prepareLinear({ kind: 'f32', weights: new Float32Array(6), outFeatures: 2, inFeatures: 3 });
    expect(() => kernels.linear(prepared, new Float32Array(5), 2, new Float32Array(4))).toThrow(/input/);
  });
});
