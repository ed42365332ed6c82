/**
 * Dynamic per-token quantization of activations (one scale and zero point per row of the last
 * dim): `quantized_decomposed::choose_qparams_per_token_asymmetric`, `quantize_per_token` and
 * `dequantize_per_token`. PyTorch chooses parameters with torch.ao's
 * `_choose_qparams_per_token_asymmetric_impl` and quantizes as `round(x · (1/scale) + zp)` in
 * float64 (the scales' dtype); ExecuTorch's kernels choose with fbgemm's
 * `calculate_scale_and_zero_point` and quantize per channel in float32.
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { dimToString, shapeToString } from '../../ir/sym.js';
import { readNumbers } from '../../kernels/access.js';
import {
  EXECUTORCH_DEQUANTIZE,
  EXECUTORCH_QUANTIZE,
  type ParameterLayout,
  chooseQParamsPerTokenAsymmetric,
  dequantizeAffine,
  quantizeAffine,
  torchDequantizeArithmetic,
  torchQuantizeArithmetic,
} from '../../kernels/quantize.js';
import { chooseQParamsPerTokenRuntime } from '../../kernels/quantized-qparams.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { affineCount, arithmeticDtype, checkQuantizedRange, defineReferenceFamily } from './reference-family.js';

const Q = 'quantized_decomposed::';

function chooseMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  if (input.shape.length < 1) args.fail('input must have at least one dimension');
  if (!isFloatingType(input.dtype)) args.fail(`input must be a float tensor, got ${scalarTypeName(input.dtype)}`);
  if (args.dtype('dtype') !== ScalarType.CHAR) args.fail(`only int8 per-token parameters are supported, got ${scalarTypeName(args.dtype('dtype'))}`);
  const shape = [...input.shape.slice(0, -1), 1];
  return [tensorMeta(ScalarType.DOUBLE, shape), tensorMeta(ScalarType.LONG, shape)];
}

function chooseTorch(args: RuntimeArgs, [scales, zeroPoints]: Tensor[]): void {
  const result = chooseQParamsPerTokenAsymmetric(args.tensor('input'));
  scales!.bytes.set(result.scales.bytes);
  zeroPoints!.bytes.set(result.zeroPoints.bytes);
}

function chooseExecutorch(args: RuntimeArgs, [scales, zeroPoints]: Tensor[]): void {
  const input = args.tensor('input');
  if (input.dtype !== ScalarType.FLOAT) args.fail(`input must be float32, got ${scalarTypeName(input.dtype)}`);
  if (scales!.dtype !== ScalarType.DOUBLE || zeroPoints!.dtype !== ScalarType.LONG) args.fail('scale_out must be float64 and zero_point_out int64');
  if (input.shape[input.rank - 1] === 0) args.fail('cannot choose parameters for empty tokens');
  chooseQParamsPerTokenRuntime(input, -128, 127, scales!, zeroPoints!);
}

/** Checks that scales and zero points hold one value per token (every index of all dims but the last). */
function tokensMeta(args: MetaArgs, input: TensorMeta): void {
  if (input.shape.length < 1) args.fail('input must have at least one dimension');
  const tokens = affineCount(input.shape.slice(0, -1));
  for (const name of ['scales', 'zero_points']) {
    const count = affineCount(args.tensor(name).shape);
    if (typeof count === 'number' && typeof tokens === 'number' && count !== tokens) {
      args.fail(`${name} ${shapeToString(args.tensor(name).shape)} must hold one value per token (${dimToString(tokens)})`);
    }
  }
}

function tokenLayout(args: RuntimeArgs, input: Tensor): ParameterLayout {
  const width = input.shape[input.rank - 1] ?? 1;
  const tokens = width === 0 ? 0 : input.numel / width;
  for (const name of ['scales', 'zero_points']) {
    if (args.tensor(name).numel !== tokens) args.fail(`${name} must hold one value per token (${tokens}), got ${args.tensor(name).numel}`);
  }
  return { blockSize: Math.max(width, 1), count: Math.max(tokens, 1) };
}

function checkExecutorchParameters(args: RuntimeArgs, quantize: boolean): void {
  const scales = args.tensor('scales').dtype;
  const zeroPoints = args.tensor('zero_points').dtype;
  if (!(scales === ScalarType.DOUBLE || (!quantize && scales === ScalarType.FLOAT)) || !(zeroPoints === ScalarType.LONG || (!quantize && zeroPoints === ScalarType.INT))) {
    args.fail(`ExecuTorch expects float64 scales and int64 zero points, got ${scalarTypeName(scales)} and ${scalarTypeName(zeroPoints)}`);
  }
}

function quantizeMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  if (!isFloatingType(input.dtype)) args.fail(`input must be a float tensor, got ${scalarTypeName(input.dtype)}`);
  tokensMeta(args, input);
  const dtype = args.dtype('dtype');
  checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
  return [tensorMeta(dtype, input.shape)];
}

function quantize(executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    const scales = args.tensor('scales');
    const layout = tokenLayout(args, input);
    if (executorch) {
      checkExecutorchParameters(args, true);
      if (out!.dtype !== args.optionalDtype('dtype')) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match dtype`);
    }
    // PyTorch: input.mul(1.0 / scales).add(zero_points).round(), in the promoted dtype.
    const arithmetic = executorch ? EXECUTORCH_QUANTIZE : torchQuantizeArithmetic(arithmeticDtype(input.dtype, scales.dtype), scales.dtype, true);
    quantizeAffine(readNumbers(input), readNumbers(scales), readNumbers(args.tensor('zero_points')), layout, args.int('quant_min'), args.int('quant_max'), arithmetic, out!);
  };
}

function dequantizeMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  const dtype = args.dtype('dtype');
  if (input.dtype !== dtype) args.fail(`input dtype ${scalarTypeName(input.dtype)} does not match dtype ${scalarTypeName(dtype)}`);
  tokensMeta(args, input);
  checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
  const outputDtype = args.dtype('output_dtype');
  if (!isFloatingType(outputDtype)) args.fail(`output_dtype must be a float dtype, got ${scalarTypeName(outputDtype)}`);
  return [tensorMeta(outputDtype, input.shape)];
}

function dequantize(executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    const scales = args.tensor('scales');
    const zeroPoints = args.tensor('zero_points');
    const layout = tokenLayout(args, input);
    if (executorch) {
      checkExecutorchParameters(args, false);
      if (out!.dtype !== args.optionalDtype('output_dtype')) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match output_dtype`);
    }
    // PyTorch: (input - zero_points) * scales, then .to(output_dtype).
    const differenceDtype = arithmeticDtype(input.dtype, zeroPoints.dtype);
    const arithmetic = executorch ? EXECUTORCH_DEQUANTIZE : torchDequantizeArithmetic(differenceDtype, scales.dtype, arithmeticDtype(differenceDtype, scales.dtype));
    dequantizeAffine(readNumbers(input), readNumbers(scales), readNumbers(zeroPoints), layout, arithmetic, out!);
  };
}

const TOKEN_PARAMETERS = 'Tensor input, Tensor scales, Tensor zero_points, int quant_min, int quant_max, ScalarType dtype';

/** `choose_qparams_per_token_asymmetric`, `quantize_per_token` and `dequantize_per_token`, functional and `.out`. */
export function perTokenOperators(): OperatorDefinition[] {
  return [
    ...defineReferenceFamily({
      functional: `${Q}choose_qparams_per_token_asymmetric(Tensor input, ScalarType dtype) -> (Tensor, Tensor)`,
      out: `${Q}choose_qparams_per_token_asymmetric.out(Tensor input, ScalarType dtype, *, Tensor(a!) scale_out, Tensor(b!) zero_point_out) -> (Tensor(a!), Tensor(b!))`,
      infer: chooseMeta,
      torch: chooseTorch,
      executorch: chooseExecutorch,
    }),
    ...defineReferenceFamily({
      functional: `${Q}quantize_per_token(${TOKEN_PARAMETERS}) -> Tensor`,
      out: `${Q}quantize_per_token.out(${TOKEN_PARAMETERS}, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: quantizeMeta,
      torch: quantize(false),
      executorch: quantize(true),
    }),
    ...defineReferenceFamily({
      functional: `${Q}dequantize_per_token(${TOKEN_PARAMETERS}, ScalarType output_dtype) -> Tensor`,
      out: `${Q}dequantize_per_token.out(${TOKEN_PARAMETERS}, ScalarType output_dtype, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: dequantizeMeta,
      torch: dequantize(false),
      executorch: dequantize(true),
    }),
  ];
}
