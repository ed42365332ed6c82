/**
 * Per-channel affine quantization along `axis`: `quantized_decomposed::quantize_per_channel` and
 * `dequantize_per_channel`. PyTorch computes in the dtype type promotion gives the channel
 * parameters (float64 scales make it float64); ExecuTorch's kernels in float32 with float64 scales
 * and int64 zero points (int32 also accepted when dequantizing).
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { dimEquals, dimToString, shapeToString } from '../../ir/sym.js';
import { readNumbers } from '../../kernels/access.js';
import {
  EXECUTORCH_DEQUANTIZE,
  EXECUTORCH_QUANTIZE,
  channelLayout,
  dequantizeAffine,
  quantizeAffine,
  torchDequantizeArithmetic,
  torchQuantizeArithmetic,
} from '../../kernels/quantize.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { wrapDim } from '../shape-rules.js';
import { arithmeticDtype, checkQuantizedRange, defineReferenceFamily, isQuantizableInput } from './reference-family.js';

const Q = 'quantized_decomposed::';

function axisOf(rank: number, axis: number, fail: (message: string) => never): number {
  if (axis < -rank || axis >= rank) fail(`axis ${axis} is out of range for a rank-${rank} input`);
  return wrapDim(axis, rank);
}

/** Shape checks shared by both directions: per-channel parameters of size input.shape[axis]. */
function channelMeta(args: MetaArgs): number {
  const input = args.tensor('input');
  const axis = axisOf(input.shape.length, args.int('axis'), (m) => args.fail(m));
  const channels = input.shape[axis]!;
  const scales = args.tensor('scales');
  if (!isFloatingType(scales.dtype)) args.fail(`scales must be floating, got ${scalarTypeName(scales.dtype)}`);
  const zeroPoints = args.optionalTensor('zero_points');
  for (const [name, meta] of [['scales', scales], ['zero_points', zeroPoints]] as const) {
    if (meta && (meta.shape.length !== 1 || !dimEquals(meta.shape[0]!, channels))) {
      args.fail(`${name} ${shapeToString(meta.shape)} must hold one value per channel (${dimToString(channels)} along axis ${axis})`);
    }
  }
  return axis;
}

function quantizeMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  if (!isQuantizableInput(input.dtype)) args.fail(`input must be a float tensor, got ${scalarTypeName(input.dtype)}`);
  channelMeta(args);
  const dtype = args.dtype('dtype');
  checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
  return [tensorMeta(dtype, input.shape)];
}

function dequantizeMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  const dtype = args.dtype('dtype');
  if (input.dtype !== dtype) args.fail(`input dtype ${scalarTypeName(input.dtype)} does not match dtype ${scalarTypeName(dtype)}`);
  channelMeta(args);
  checkQuantizedRange((m) => args.fail(m), dtype, args.int('quant_min'), args.int('quant_max'));
  const outDtype = args.optionalDtype('out_dtype') ?? ScalarType.FLOAT;
  if (!isFloatingType(outDtype)) args.fail(`out_dtype must be a float dtype, got ${scalarTypeName(outDtype)}`);
  return [tensorMeta(outDtype, input.shape)];
}

function checkExecutorchParameters(args: RuntimeArgs, scales: Tensor, zeroPoints: Tensor | null, quantize: boolean): void {
  const scaleOk = scales.dtype === ScalarType.DOUBLE || (!quantize && scales.dtype === ScalarType.FLOAT);
  const zeroPointOk = zeroPoints === null || zeroPoints.dtype === ScalarType.LONG || (!quantize && zeroPoints.dtype === ScalarType.INT);
  if (!scaleOk || !zeroPointOk) {
    args.fail(`ExecuTorch expects float64 scales and int64 zero points, got ${scalarTypeName(scales.dtype)} and ${zeroPoints ? scalarTypeName(zeroPoints.dtype) : 'None'}`);
  }
}

function quantize(executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    const scales = args.tensor('scales');
    const zeroPoints = args.tensor('zero_points');
    const axis = axisOf(input.rank, args.int('axis'), (m) => args.fail(m));
    if (scales.numel !== input.shape[axis] || zeroPoints.numel !== input.shape[axis]) args.fail(`scales and zero_points must have ${input.shape[axis]} elements`);
    if (executorch) {
      checkExecutorchParameters(args, scales, zeroPoints, true);
      if (out!.dtype !== args.optionalDtype('dtype')) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match dtype`);
    } else if (input.dtype === ScalarType.DOUBLE) {
      args.fail('input must be float32, float16 or bfloat16 (PyTorch rejects float64)');
    }
    // PyTorch: input (as float32) * (1.0 / scales), promoted with the scales' dtype.
    const arithmetic = executorch ? EXECUTORCH_QUANTIZE : torchQuantizeArithmetic(arithmeticDtype(ScalarType.FLOAT, scales.dtype), scales.dtype, false);
    quantizeAffine(readNumbers(input), readNumbers(scales), readNumbers(zeroPoints), channelLayout(input.shape, axis), args.int('quant_min'), args.int('quant_max'), arithmetic, out!);
  };
}

function dequantize(executorch: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const input = args.tensor('input');
    const scales = args.tensor('scales');
    const zeroPoints = args.optionalTensor('zero_points');
    const axis = axisOf(input.rank, args.int('axis'), (m) => args.fail(m));
    if (input.dtype !== args.optionalDtype('dtype')) args.fail(`input dtype ${scalarTypeName(input.dtype)} does not match dtype`);
    if (scales.numel !== input.shape[axis] || (zeroPoints && zeroPoints.numel !== input.shape[axis])) args.fail(`scales and zero_points must have ${input.shape[axis]} elements`);
    if (executorch) {
      checkExecutorchParameters(args, scales, zeroPoints, false);
      const outDtype = args.optionalDtype('out_dtype');
      if (outDtype !== null && outDtype !== out!.dtype) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match out_dtype`);
    }
    // PyTorch: (input - zero_points) in the promoted integer dtype, times scales in the scales' dtype.
    const differenceDtype = zeroPoints ? arithmeticDtype(input.dtype, zeroPoints.dtype) : input.dtype;
    const arithmetic = executorch ? EXECUTORCH_DEQUANTIZE : torchDequantizeArithmetic(differenceDtype, scales.dtype, arithmeticDtype(differenceDtype, scales.dtype));
    dequantizeAffine(readNumbers(input), readNumbers(scales), zeroPoints ? readNumbers(zeroPoints) : null, channelLayout(input.shape, axis), arithmetic, out!);
  };
}

const PARAMETERS = 'int axis, int quant_min, int quant_max, ScalarType dtype';

/** `quantize_per_channel` and `dequantize_per_channel`, functional and `.out`. */
export function perChannelOperators(): OperatorDefinition[] {
  return [
    ...defineReferenceFamily({
      functional: `${Q}quantize_per_channel(Tensor input, Tensor scales, Tensor zero_points, ${PARAMETERS}) -> Tensor`,
      out: `${Q}quantize_per_channel.out(Tensor input, Tensor scales, Tensor zero_points, ${PARAMETERS}, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: quantizeMeta,
      torch: quantize(false),
      executorch: quantize(true),
    }),
    ...defineReferenceFamily({
      functional: `${Q}dequantize_per_channel(Tensor input, Tensor scales, Tensor? zero_points, ${PARAMETERS}, *, ScalarType? out_dtype=None) -> Tensor`,
      out: `${Q}dequantize_per_channel.out(Tensor input, Tensor scales, Tensor? zero_points, ${PARAMETERS}, *, ScalarType? out_dtype=None, Tensor(a!) out) -> Tensor(a!)`,
      infer: dequantizeMeta,
      torch: dequantize(false),
      executorch: dequantize(true),
    }),
  ];
}
