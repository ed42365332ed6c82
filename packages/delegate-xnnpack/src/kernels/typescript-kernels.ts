/**
 * The kernels in plain TypeScript over typed arrays: the fallback where WebAssembly is not
 * available, and a second implementation the WebAssembly kernels are tested against. The
 * quantized kinds follow the exact integer and float32 arithmetic described in `xnn-kernels.ts`.
 */

import { InvalidArgumentError } from '@etch/core';
import { groupCount, validateBatchMatmul, validateLinearCall, validateLinearWeights } from './linear-validation.js';
import { hostActivations } from './host-activations.js';
import { qd8Parameters, quantizeQd8Value } from './qd8-parameters.js';
import type { BatchMatmulShape, LinearWeights, PreparedLinear, Qd8Rows, XnnKernels } from './xnn-kernels.js';

const fround = Math.fround;

interface StoredLinear {
  readonly weights: LinearWeights;
  readonly bytes: number;
}

function rowMinMax(input: Float32Array, start: number, columns: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let index = start; index < start + columns; index++) {
    const value = input[index]!;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return [min, max];
}

function quantizeRows(input: Float32Array, rows: number, columns: number): Qd8Rows {
  const values = new Int8Array(rows * columns);
  const scales = new Float32Array(rows);
  const zeroPoints = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const start = row * columns;
    const [min, max] = rowMinMax(input, start, columns);
    const parameters = qd8Parameters(min, max);
    scales[row] = parameters.inverseScale;
    zeroPoints[row] = parameters.zeroPoint;
    for (let column = 0; column < columns; column++) values[start + column] = quantizeQd8Value(input[start + column]!, parameters);
  }
  return { values, scales, zeroPoints };
}

function linearF32(weights: Float32Array, bias: Float32Array | undefined, input: Float32Array, rows: number, k: number, n: number, output: Float32Array): void {
  for (let row = 0; row < rows; row++) {
    const inputStart = row * k;
    for (let column = 0; column < n; column++) {
      const weightStart = column * k;
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      let index = 0;
      for (; index + 4 <= k; index += 4) {
        sum0 += input[inputStart + index]! * weights[weightStart + index]!;
        sum1 += input[inputStart + index + 1]! * weights[weightStart + index + 1]!;
        sum2 += input[inputStart + index + 2]! * weights[weightStart + index + 2]!;
        sum3 += input[inputStart + index + 3]! * weights[weightStart + index + 3]!;
      }
      for (; index < k; index++) sum0 += input[inputStart + index]! * weights[weightStart + index]!;
      output[row * n + column] = sum0 + sum1 + (sum2 + sum3) + (bias ? bias[column]! : 0);
    }
  }
}

/** Integer sum of (q − zeroPoint)·w over `length` elements. */
function integerDot(values: Int8Array, valueStart: number, zeroPoint: number, weights: Int8Array, weightStart: number, length: number): number {
  let sum = 0;
  for (let index = 0; index < length; index++) sum += (values[valueStart + index]! - zeroPoint) * weights[weightStart + index]!;
  return sum;
}

function linearQuantized(weights: Exclude<LinearWeights, { kind: 'f32' }>, input: Float32Array, rows: number, output: Float32Array): void {
  const { inFeatures: k, outFeatures: n, bias } = weights;
  const quantized = quantizeRows(input, rows, k);
  const groups = groupCount(weights);
  const groupSize = k / groups;
  for (let row = 0; row < rows; row++) {
    const zeroPoint = quantized.zeroPoints[row]!;
    const inputScale = quantized.scales[row]!;
    for (let column = 0; column < n; column++) {
      const biasValue = bias ? bias[column]! : 0;
      let result: number;
      if (weights.kind === 'qc8w') {
        const sum = integerDot(quantized.values, row * k, zeroPoint, weights.weights, column * k, k);
        result = fround(fround(fround(sum) * inputScale) * weights.scales[column]!);
      } else {
        let sum = 0;
        for (let group = 0; group < groups; group++) {
          const groupSum = integerDot(quantized.values, row * k + group * groupSize, zeroPoint, weights.weights, column * k + group * groupSize, groupSize);
          sum = fround(sum + fround(fround(groupSum) * weights.scales[column * groups + group]!));
        }
        result = fround(sum * inputScale);
      }
      output[row * n + column] = fround(result + biasValue);
    }
  }
}

function batchMatmul(a: Float32Array, b: Float32Array, output: Float32Array, shape: BatchMatmulShape): void {
  const { batch, m, k, n, transposeB = false } = shape;
  for (let index = 0; index < batch; index++) {
    const aBatch = a.subarray(index * m * k, (index + 1) * m * k);
    const bBatch = b.subarray(index * k * n, (index + 1) * k * n);
    const outputBatch = output.subarray(index * m * n, (index + 1) * m * n);
    if (transposeB) {
      linearF32(bBatch, undefined, aBatch, m, k, n, outputBatch);
      continue;
    }
    for (let row = 0; row < m; row++) {
      const outputRow = outputBatch.subarray(row * n, (row + 1) * n);
      outputRow.fill(0);
      for (let inner = 0; inner < k; inner++) {
        const alpha = aBatch[row * k + inner]!;
        const bStart = inner * n;
        for (let column = 0; column < n; column++) outputRow[column] = outputRow[column]! + alpha * bBatch[bStart + column]!;
      }
    }
  }
}

function copyWeights(weights: LinearWeights): LinearWeights {
  const bias = weights.bias?.slice();
  switch (weights.kind) {
    case 'f32':
      return { ...weights, weights: weights.weights.slice(), bias };
    case 'qc8w':
      return { ...weights, weights: weights.weights.slice(), scales: weights.scales.slice(), bias };
    case 'qb4w':
      return { ...weights, weights: weights.weights.slice(), scales: weights.scales.slice(), bias };
  }
}

/** Kernels in plain TypeScript (no WebAssembly); same interface and quantized results as the WebAssembly kernels. */
export function typescriptXnnKernels(): XnnKernels {
  const layers = new Map<PreparedLinear, StoredLinear>();
  let disposed = false;
  const stored = (prepared: PreparedLinear): StoredLinear => {
    if (disposed) throw new InvalidArgumentError('kernels', 'the kernel set was disposed');
    const layer = layers.get(prepared);
    if (layer === undefined) throw new InvalidArgumentError('prepared', 'was not prepared by this kernel set, or was released');
    return layer;
  };
  const kernels: XnnKernels = {
    implementation: 'typescript',
    prepareLinear(weights) {
      if (disposed) throw new InvalidArgumentError('kernels', 'the kernel set was disposed');
      validateLinearWeights(weights);
      const copy = copyWeights(weights);
      const bytes = copy.weights.byteLength + (copy.kind === 'f32' ? 0 : copy.scales.byteLength) + (copy.bias?.byteLength ?? 0);
      const prepared: PreparedLinear = { kind: weights.kind, outFeatures: weights.outFeatures, inFeatures: weights.inFeatures };
      layers.set(prepared, { weights: copy, bytes });
      return prepared;
    },
    linear(prepared, input, rows, output) {
      const { weights } = stored(prepared);
      validateLinearCall(prepared, input, rows, output);
      if (weights.kind === 'f32') linearF32(weights.weights, weights.bias, input, rows, weights.inFeatures, weights.outFeatures, output);
      else linearQuantized(weights, input, rows, output);
    },
    releaseLinear(prepared) {
      stored(prepared);
      layers.delete(prepared);
    },
    quantizeQd8(input, rows, columns) {
      if (input.length < rows * columns) throw new InvalidArgumentError('input', `has ${input.length} elements, needs ${rows} × ${columns}`);
      return quantizeRows(input, rows, columns);
    },
    batchMatmul(a, b, output, shape) {
      validateBatchMatmul(a, b, output, shape);
      batchMatmul(a, b, output, shape);
    },
    memoryBytes() {
      let total = 0;
      for (const layer of layers.values()) total += layer.bytes;
      return total;
    },
    get activations() {
      return activations;
    },
    dispose() {
      layers.clear();
      disposed = true;
    },
  };
  const activations = hostActivations(kernels);
  return kernels;
}
