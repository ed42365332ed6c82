/**
 * Per-tensor affine quantization: `quantized_decomposed::quantize_per_tensor` and
 * `dequantize_per_tensor`, with scale and zero point as scalars or as one-element tensors
 * (`.tensor` in PyTorch, `.Tensor_out` in ExecuTorch). PyTorch computes
 * `clamp(round(x · (1/scale)) + zp)` and `(q − zp) · scale` in the float32 (or out) dtype with the
 * scalar scale rounded into it; ExecuTorch in float32 with `1.0f / (float)scale`.
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { readNumbers, readScalar } from '../../kernels/access.js';
import {
  EXECUTORCH_DEQUANTIZE,
  EXECUTORCH_QUANTIZE,
  type DequantizeArithmetic,
  dequantizeAffine,
  quantizeAffine,
  roundingFor,
  torchQuantizeArithmetic,
} from '../../kernels/quantize.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { checkQuantizedRange, defineReferenceFamily, isQuantizableInput } from './reference-family.js';

const Q = 'quantized_decomposed::';

/** Scale and zero point as scalars, or read from their one-element tensors. */
function parameters(args: RuntimeArgs, tensors: boolean): { scale: number; zeroPoint: number } {
  if (!tensors) return { scale: args.float('scale'), zeroPoint: args.int('zero_point') };
  const scale = args.tensor('scale');
  const zeroPoint = args.tensor('zero_point');
  if (scale.numel !== 1 || zeroPoint.numel !== 1) args.fail(`scale and zero_point must have one element each, got ${scale.numel} and ${zeroPoint.numel}`);
  return { scale: readScalar(scale), zeroPoint: readScalar(zeroPoint) };
}

/** ExecuTorch's `.Tensor_out` kernels read the parameters as a double and an int64 tensor. */
function checkExecutorchParameterTensors(args: RuntimeArgs): void {
  if (args.tensor('scale').dtype !== ScalarType.DOUBLE || args.tensor('zero_point').dtype !== ScalarType.LONG) {
    args.fail('ExecuTorch expects scale as a float64 tensor and zero_point as an int64 tensor');
  }
}

function checkParameterMetas(args: MetaArgs, tensors: boolean): void {
  if (!tensors) return;
  for (const name of ['scale', 'zero_point']) {
    const meta = args.tensor(name);
    if (meta.shape.some((d) => d !== 1)) args.fail(`${name} must have exactly one element, got shape [${meta.shape.join(', ')}]`);
  }
}

function quantizeMeta(tensors: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const input = args.tensor('input');
    if (!isQuantizableInput(input.dtype)) args.fail(`input must be a float tensor, got ${scalarTypeName(input.dtype)}`);
    checkParameterMetas(args, tensors);
    const dtype = args.dtype('dtype');
    checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
    return [tensorMeta(dtype, input.shape)];
  };
}

function quantize(tensors: boolean, executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    if (executorch) {
      if (tensors) checkExecutorchParameterTensors(args);
      if (out!.dtype !== args.optionalDtype('dtype')) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match dtype`);
    } else if (input.dtype === ScalarType.DOUBLE) {
      args.fail('input must be float32, float16 or bfloat16 (PyTorch rejects float64)');
    }
    const { scale, zeroPoint } = parameters(args, tensors);
    const arithmetic = executorch ? EXECUTORCH_QUANTIZE : torchQuantizeArithmetic(ScalarType.FLOAT, ScalarType.FLOAT, false);
    quantizeAffine(readNumbers(input), [scale], [zeroPoint], { blockSize: Math.max(input.numel, 1), count: 1 }, args.int('quant_min'), args.int('quant_max'), arithmetic, out!);
  };
}

function dequantizeMeta(tensors: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const input = args.tensor('input');
    const dtype = args.dtype('dtype');
    if (input.dtype !== dtype) args.fail(`input dtype ${scalarTypeName(input.dtype)} does not match dtype ${scalarTypeName(dtype)}`);
    checkParameterMetas(args, tensors);
    checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
    const outDtype = args.optionalDtype('out_dtype') ?? ScalarType.FLOAT;
    if (!isFloatingType(outDtype)) args.fail(`out_dtype must be a float dtype, got ${scalarTypeName(outDtype)}`);
    return [tensorMeta(outDtype, input.shape)];
  };
}

/** PyTorch: `(input.to(out_dtype) - zero_point) * scale`, the scalar scale in the op's math dtype. */
function torchDequantizeArithmetic(outDtype: ScalarType): DequantizeArithmetic {
  const round = roundingFor(outDtype);
  return { difference: round, scale: outDtype === ScalarType.DOUBLE ? (s) => s : Math.fround, product: round };
}

function dequantize(tensors: boolean, executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    if (input.dtype !== args.optionalDtype('dtype')) args.fail(`input dtype ${scalarTypeName(input.dtype)} does not match dtype`);
    if (executorch) {
      if (tensors) checkExecutorchParameterTensors(args);
      const outDtype = args.optionalDtype('out_dtype');
      if (outDtype !== null && outDtype !== out!.dtype) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match out_dtype`);
    }
    const { scale, zeroPoint } = parameters(args, tensors);
    const arithmetic = executorch ? EXECUTORCH_DEQUANTIZE : torchDequantizeArithmetic(out!.dtype);
    dequantizeAffine(readNumbers(input), [scale], [zeroPoint], { blockSize: Math.max(input.numel, 1), count: 1 }, arithmetic, out!);
  };
}

const QUANTIZE_ARGS = 'int quant_min, int quant_max, ScalarType dtype';

/** `quantize_per_tensor` and `dequantize_per_tensor` with scalar or tensor parameters, functional and out. */
export function perTensorOperators(): OperatorDefinition[] {
  return [
    ...defineReferenceFamily({
      functional: `${Q}quantize_per_tensor(Tensor input, float scale, int zero_point, ${QUANTIZE_ARGS}) -> Tensor`,
      out: `${Q}quantize_per_tensor.out(Tensor input, float scale, int zero_point, ${QUANTIZE_ARGS}, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: quantizeMeta(false),
      torch: quantize(false, false),
      executorch: quantize(false, true),
    }),
    ...defineReferenceFamily({
      functional: `${Q}quantize_per_tensor.tensor(Tensor input, Tensor scale, Tensor zero_point, ${QUANTIZE_ARGS}) -> Tensor`,
      out: `${Q}quantize_per_tensor.Tensor_out(Tensor input, Tensor scale, Tensor zero_point, ${QUANTIZE_ARGS}, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: quantizeMeta(true),
      torch: quantize(true, false),
      executorch: quantize(true, true),
    }),
    ...defineReferenceFamily({
      functional: `${Q}dequantize_per_tensor(Tensor input, float scale, int zero_point, ${QUANTIZE_ARGS}, *, ScalarType? out_dtype=None) -> Tensor`,
      out: `${Q}dequantize_per_tensor.out(Tensor input, float scale, int zero_point, ${QUANTIZE_ARGS}, *, ScalarType? out_dtype=None, Tensor(a!) out) -> Tensor(a!)`,
      infer: dequantizeMeta(false),
      torch: dequantize(false, false),
      executorch: dequantize(false, true),
    }),
    ...defineReferenceFamily({
      functional: `${Q}dequantize_per_tensor.tensor(Tensor input, Tensor scale, Tensor zero_point, ${QUANTIZE_ARGS}, *, ScalarType? out_dtype=None) -> Tensor`,
      out: `${Q}dequantize_per_tensor.Tensor_out(Tensor input, Tensor scale, Tensor zero_point, ${QUANTIZE_ARGS}, *, ScalarType? out_dtype=None, Tensor(a!) out) -> Tensor(a!)`,
      infer: dequantizeMeta(true),
      torch: dequantize(true, false),
      executorch: dequantize(true, true),
    }),
  ];
}
