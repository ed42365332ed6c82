/**
 * Argument checks shared by every kernel implementation, so a malformed layer or call fails the
 * same way (with `InvalidArgumentError`) whichever implementation runs it.
 */

import { InvalidArgumentError } from '@etch/core';
import type { BatchMatmulShape, LinearWeights, PreparedLinear } from './xnn-kernels.js';

function checkDimension(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(name, `must be a positive integer, got ${value}`);
}

function checkLength(name: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) throw new InvalidArgumentError(name, `has ${array.length} elements, expected ${expected}`);
}

/** Number of groups along the input dimension (1 for kinds without groups). */
export function groupCount(weights: LinearWeights): number {
  return weights.kind === 'qb4w' ? weights.inFeatures / weights.groupSize : 1;
}

/** Throws unless the arrays of `weights` match its declared dimensions and kind. */
export function validateLinearWeights(weights: LinearWeights): void {
  checkDimension('outFeatures', weights.outFeatures);
  checkDimension('inFeatures', weights.inFeatures);
  checkLength('weights', weights.weights, weights.outFeatures * weights.inFeatures);
  if (weights.bias !== undefined) checkLength('bias', weights.bias, weights.outFeatures);
  if (weights.kind === 'qc8w') checkLength('scales', weights.scales, weights.outFeatures);
  if (weights.kind === 'qb4w') {
    const { groupSize, inFeatures } = weights;
    if (!Number.isInteger(groupSize) || groupSize <= 0 || groupSize % 32 !== 0 || inFeatures % groupSize !== 0) {
      throw new InvalidArgumentError('groupSize', `must be a positive multiple of 32 dividing inFeatures (${inFeatures}), got ${groupSize}`);
    }
    checkLength('scales', weights.scales, weights.outFeatures * (inFeatures / groupSize));
    for (let index = 0; index < weights.weights.length; index++) {
      const value = weights.weights[index]!;
      if (value < -8 || value > 7) throw new InvalidArgumentError('weights', `4-bit value out of [-8, 7] at ${index}: ${value}`);
    }
  }
}

/** Throws unless `input` and `output` hold `rows` rows of the layer's input and output features. */
export function validateLinearCall(prepared: PreparedLinear, input: Float32Array, rows: number, output: Float32Array): void {
  checkDimension('rows', rows);
  if (input.length < rows * prepared.inFeatures) throw new InvalidArgumentError('input', `has ${input.length} elements, needs ${rows} × ${prepared.inFeatures}`);
  if (output.length < rows * prepared.outFeatures) throw new InvalidArgumentError('output', `has ${output.length} elements, needs ${rows} × ${prepared.outFeatures}`);
}

/** Throws unless the operands of a batch matrix multiplication are large enough for `shape`. */
export function validateBatchMatmul(a: Float32Array, b: Float32Array, output: Float32Array, shape: BatchMatmulShape): void {
  const { batch, m, k, n } = shape;
  for (const [name, value] of [['batch', batch], ['m', m], ['k', k], ['n', n]] as const) checkDimension(name, value);
  if (a.length < batch * m * k) throw new InvalidArgumentError('a', `has ${a.length} elements, needs ${batch * m * k}`);
  if (b.length < batch * k * n) throw new InvalidArgumentError('b', `has ${b.length} elements, needs ${batch * k * n}`);
  if (output.length < batch * m * n) throw new InvalidArgumentError('output', `has ${output.length} elements, needs ${batch * m * n}`);
}
