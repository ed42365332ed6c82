/**
 * Float-activation × int8-weight products: `quantized_decomposed::mixed_mm` (weight [n, p] scaled
 * per input row) and `mixed_linear` (weight [p, n] scaled per output channel, optionally per group
 * of inputs). PyTorch only declares their schemas; the semantics are ExecuTorch's kernels
 * (`kernels/quantized/cpu/op_mixed_mm.cpp`, `op_mixed_linear.cpp`), which support float32/float16
 * activations and no zero points.
 */

import { UnsupportedOperatorError } from '../../errors.js';
import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { dimEquals, shapeToString } from '../../ir/sym.js';
import { mixedLinear, mixedMatmul } from '../../kernels/quantized-matmul.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';

const ACTIVATIONS: readonly ScalarType[] = [ScalarType.FLOAT, ScalarType.HALF];

function checkOperands(args: MetaArgs, op: string): { input: TensorMeta; weight: TensorMeta; scales: TensorMeta } {
  const input = args.tensor('input');
  const weight = args.tensor('weight');
  const scales = args.tensor('weight_scales');
  if (!args.isNone('weight_zero_points')) {
    throw new UnsupportedOperatorError(op, 'weight_zero_points are not supported (ExecuTorch implements symmetric weights only)');
  }
  if (input.shape.length !== 2 || weight.shape.length !== 2) args.fail(`input ${shapeToString(input.shape)} and weight ${shapeToString(weight.shape)} must be 2-D`);
  if (!ACTIVATIONS.includes(input.dtype)) args.fail(`input must be float32 or float16, got ${scalarTypeName(input.dtype)}`);
  if (weight.dtype !== ScalarType.CHAR) args.fail(`weight must be int8, got ${scalarTypeName(weight.dtype)}`);
  if (scales.dtype !== input.dtype) args.fail(`weight_scales (${scalarTypeName(scales.dtype)}) must have the input dtype ${scalarTypeName(input.dtype)}`);
  return { input, weight, scales };
}

function mixedMmMeta(args: MetaArgs): TensorMeta[] {
  const { input, weight, scales } = checkOperands(args, 'quantized_decomposed::mixed_mm');
  if (!dimEquals(input.shape[1]!, weight.shape[0]!)) args.fail(`input ${shapeToString(input.shape)} and weight ${shapeToString(weight.shape)} cannot be multiplied`);
  if (scales.shape.length !== 1 || !dimEquals(scales.shape[0]!, weight.shape[0]!)) args.fail(`weight_scales ${shapeToString(scales.shape)} must be [${weight.shape[0]}]`);
  return [tensorMeta(input.dtype, [input.shape[0]!, weight.shape[1]!])];
}

function mixedLinearMeta(args: MetaArgs): TensorMeta[] {
  const { input, weight, scales } = checkOperands(args, 'quantized_decomposed::mixed_linear');
  if (!dimEquals(input.shape[1]!, weight.shape[1]!)) args.fail(`input ${shapeToString(input.shape)} and weight ${shapeToString(weight.shape)} differ in in_features`);
  if ((scales.shape.length !== 1 && scales.shape.length !== 2) || !dimEquals(scales.shape[0]!, weight.shape[0]!)) {
    args.fail(`weight_scales ${shapeToString(scales.shape)} must be [out_features] or [out_features, groups]`);
  }
  const inFeatures = weight.shape[1]!;
  const groups = scales.shape[1];
  if (typeof inFeatures === 'number' && typeof groups === 'number' && (groups === 0 || Math.ceil(inFeatures / Math.ceil(inFeatures / groups)) !== groups)) {
    args.fail(`${groups} groups do not split ${inFeatures} inputs into groups of equal size (the last may be shorter)`);
  }
  const dtype = args.optionalDtype('dtype') ?? input.dtype;
  if (!ACTIVATIONS.includes(dtype)) args.fail(`dtype must be float32 or float16, got ${scalarTypeName(dtype)}`);
  return [tensorMeta(dtype, [input.shape[0]!, weight.shape[0]!])];
}

function staticOperands(args: RuntimeArgs) {
  const input = args.tensor('input');
  const weight = args.tensor('weight');
  const scales = args.tensor('weight_scales');
  if (args.optionalTensor('weight_zero_points')) args.fail('weight_zero_points are not supported');
  if (input.rank !== 2 || weight.rank !== 2 || weight.dtype !== ScalarType.CHAR || !ACTIVATIONS.includes(input.dtype) || scales.dtype !== input.dtype) {
    args.fail(`expected float input [m, n], int8 weight and scales of the input dtype, got ${scalarTypeName(input.dtype)} [${input.shape}], ${scalarTypeName(weight.dtype)} [${weight.shape}], ${scalarTypeName(scales.dtype)} [${scales.shape}]`);
  }
  return { input, weight, scales };
}

/** `mixed_mm` and `mixed_linear`, functional and `.out`. */
export function mixedMatmulOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional: 'quantized_decomposed::mixed_mm(Tensor input, Tensor weight, Tensor weight_scales, Tensor? weight_zero_points) -> Tensor',
      out: 'quantized_decomposed::mixed_mm.out(Tensor input, Tensor weight, Tensor weight_scales, Tensor? weight_zero_points, *, Tensor(a!) out) -> Tensor(a!)',
      infer: mixedMmMeta,
      compute(args, [out]) {
        const { input, weight, scales } = staticOperands(args);
        if (input.shape[1] !== weight.shape[0] || scales.numel !== weight.shape[0]) args.fail('input, weight and weight_scales do not fit together');
        if (out!.dtype !== input.dtype) args.fail(`out must have the input dtype ${scalarTypeName(input.dtype)}`);
        mixedMatmul(input, weight, scales, out!);
      },
    }),
    ...defineOperator({
      functional:
        'quantized_decomposed::mixed_linear(Tensor input, Tensor weight, Tensor weight_scales, Tensor? weight_zero_points, ScalarType? dtype=None) -> Tensor',
      out:
        'quantized_decomposed::mixed_linear.out(Tensor input, Tensor weight, Tensor weight_scales, Tensor? weight_zero_points, ScalarType? dtype=None, ' +
        '*, Tensor(a!) out) -> Tensor(a!)',
      infer: mixedLinearMeta,
      compute(args, [out]) {
        const { input, weight, scales } = staticOperands(args);
        const inFeatures = weight.shape[1]!;
        const groups = scales.rank === 2 ? scales.shape[1]! : 1;
        if (input.shape[1] !== inFeatures || scales.shape[0] !== weight.shape[0] || groups === 0 || Math.ceil(inFeatures / Math.ceil(inFeatures / groups)) !== groups) {
          args.fail('input, weight and weight_scales do not fit together');
        }
        const dtype = args.optionalDtype('dtype');
        if (dtype !== null && dtype !== out!.dtype) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match dtype ${scalarTypeName(dtype)}`);
        mixedLinear(input, weight, scales, out!);
      },
    }),
  ];
}
