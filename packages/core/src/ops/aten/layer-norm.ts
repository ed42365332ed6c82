/**
 * Layer normalization over the trailing `normalized_shape` dims: `native_layer_norm` (output,
 * mean and reciprocal standard deviation, what ExecuTorch runs) and `layer_norm` (its public,
 * functional-only form, which the portable decompositions rewrite). Statistics use the biased
 * variance and `rstd = 1 / sqrt(var + eps)`; for float32 every step is rounded to float32 as in
 * torch's CPU kernel (so `x - mean` uses the float32 mean, which matters when it cancels).
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, shapeEquals, shapeToString } from '../../ir/sym.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { readFloats, writeFloats } from './float-io.js';

function layerNormMetas(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  const normalized = args.dims('normalized_shape');
  if (!isFloatingType(input.dtype)) args.fail(`input must be floating, got ${scalarTypeName(input.dtype)}`);
  const axis = input.shape.length - normalized.length;
  if (normalized.length === 0 || axis < 0 || !normalized.every((d, i) => dimEquals(d, input.shape[axis + i]!))) {
    args.fail(`normalized_shape ${shapeToString(normalized)} must match the trailing dims of input ${shapeToString(input.shape)}`);
  }
  for (const name of ['weight', 'bias']) {
    const parameter = args.optionalTensor(name);
    if (parameter && !shapeEquals(parameter.shape, normalized)) args.fail(`${name} ${shapeToString(parameter.shape)} must have shape ${shapeToString(normalized)}`);
  }
  const statistics: Dim[] = [...input.shape.slice(0, axis), ...normalized.map(() => 1)];
  return [tensorMeta(input.dtype, input.shape), tensorMeta(input.dtype, statistics), tensorMeta(input.dtype, statistics)];
}

function layerNormCompute(args: RuntimeArgs, [out, meanOut, rstdOut]: Tensor[]): void {
  const input = args.tensor('input');
  const size = args.ints('normalized_shape').reduce((a, b) => a * b, 1);
  const rows = size === 0 ? 0 : input.numel / size;
  const weight = args.optionalTensor('weight');
  const bias = args.optionalTensor('bias');
  const gamma = weight ? readFloats(weight) : null;
  const beta = bias ? readFloats(bias) : null;
  const eps = args.float('eps');
  const x = readFloats(input);
  const means = new Float64Array(rows);
  const deviations = new Float64Array(rows);
  // torch computes the statistics in float32 for float32 (and half) inputs: each step rounded.
  const round = input.dtype === ScalarType.DOUBLE ? (v: number) => v : Math.fround;
  writeFloats(out!, (y) => {
    for (let r = 0; r < rows; r++) {
      const base = r * size;
      let sum = 0;
      for (let i = 0; i < size; i++) sum += x[base + i]!;
      const mean = round(sum / size);
      let squares = 0;
      for (let i = 0; i < size; i++) {
        const centered = round(x[base + i]! - mean);
        squares += round(centered * centered);
      }
      const rstd = round(1 / round(Math.sqrt(round(round(round(squares) / size) + eps))));
      means[r] = mean;
      deviations[r] = rstd;
      for (let i = 0; i < size; i++) {
        let value = round(round(x[base + i]! - mean) * rstd);
        if (gamma) value = round(value * gamma[i]!);
        if (beta) value = round(value + beta[i]!);
        y[base + i] = value;
      }
    }
  });
  if (meanOut) writeFloats(meanOut, (data) => data.set(means));
  if (rstdOut) writeFloats(rstdOut, (data) => data.set(deviations));
}

/** `native_layer_norm` (functional and out) and `layer_norm` (functional). */
export function layerNormOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)',
      out:
        'aten::native_layer_norm.out(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps, *, ' +
        'Tensor(a!) out0, Tensor(b!) out1, Tensor(c!) out2) -> (Tensor(a!), Tensor(b!), Tensor(c!))',
      infer: layerNormMetas,
      compute: layerNormCompute,
    }),
    ...defineOperator({
      functional: 'aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enable=True) -> Tensor',
      infer: (args) => layerNormMetas(args).slice(0, 1),
      compute: layerNormCompute,
    }),
  ];
}
