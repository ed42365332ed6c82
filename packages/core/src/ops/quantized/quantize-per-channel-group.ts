/**
 * Groupwise quantization of 2-D weights (one scale and zero point per `group_size` consecutive
 * elements of a row), as 4-bit groupwise weights are expressed in graphs:
 * `quantized_decomposed::quantize_per_channel_group` and `dequantize_per_channel_group`. PyTorch
 * defines them (`torch/ao/quantization/fx/_decomposed.py`); ExecuTorch has no kernels for them
 * (its lowering fuses them into linear/embedding ops), so they are functional only.
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { type Dim, dimToString, shapeToString } from '../../ir/sym.js';
import { readNumbers } from '../../kernels/access.js';
import { dequantizeAffine, quantizeAffine, torchDequantizeArithmetic, torchQuantizeArithmetic } from '../../kernels/quantize.js';
import type { Tensor } from '../../kernels/tensor.js';
import { type ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { affineCount, arithmeticDtype, checkQuantizedRange } from './reference-family.js';

const Q = 'quantized_decomposed::';

/** PyTorch's group size: > 1, the whole row when it exceeds it and there is one scale per row. */
function effectiveGroupSize(groupSize: number, rowLength: Dim, scalesLastDim: Dim | undefined, fail: (message: string) => never): number {
  if (groupSize <= 1) fail(`group_size must be > 1, got ${groupSize}`);
  if (typeof rowLength !== 'number') fail(`the row length must be static, got ${dimToString(rowLength)}`);
  const size = groupSize > rowLength && scalesLastDim === 1 ? rowLength : groupSize;
  if (rowLength % size !== 0) fail(`the row length ${rowLength} must be a multiple of group_size ${size}`);
  return size;
}

function groupMeta(args: MetaArgs, outputDtype: ScalarType): TensorMeta[] {
  const input = args.tensor('input');
  if (input.shape.length !== 2) args.fail(`input must be 2-D, got ${shapeToString(input.shape)}`);
  const scales = args.tensor('scales');
  if (!isFloatingType(scales.dtype)) args.fail(`scales must be floating, got ${scalarTypeName(scales.dtype)}`);
  const size = effectiveGroupSize(args.int('group_size'), input.shape[1]!, scales.shape[scales.shape.length - 1], (m) => args.fail(m));
  checkQuantizedRange((m) => args.fail(m), args.dtype('dtype'), args.int('quant_min'), args.int('quant_max'));
  const elements = affineCount(input.shape);
  const parameters = affineCount(scales.shape);
  if (typeof elements === 'number' && typeof parameters === 'number' && parameters * size !== elements) {
    args.fail(`scales ${shapeToString(scales.shape)} must hold one value per group of ${size} of input ${shapeToString(input.shape)}`);
  }
  return [tensorMeta(outputDtype, input.shape)];
}

/** Group layout of a run-time call, checking the parameter counts. */
function groupLayout(args: RuntimeArgs, input: Tensor, scales: Tensor, zeroPoints: Tensor | null) {
  if (input.rank !== 2) args.fail(`input must be 2-D, got [${input.shape.join(', ')}]`);
  const size = effectiveGroupSize(args.int('group_size'), input.shape[1]!, scales.shape[scales.rank - 1], (m) => args.fail(m));
  const count = input.numel / size;
  if (scales.numel !== count || (zeroPoints && zeroPoints.numel !== count)) args.fail(`scales and zero_points must hold one value per group (${count})`);
  return { blockSize: size, count: Math.max(count, 1) };
}

/** `quantize_per_channel_group` and `dequantize_per_channel_group` (functional only). */
export function perChannelGroupOperators(): OperatorDefinition[] {
  return [
    ...defineOperator({
      functional:
        `${Q}quantize_per_channel_group(Tensor input, Tensor scales, Tensor zero_points, int quant_min, int quant_max, ` +
        'ScalarType dtype, int group_size) -> Tensor',
      infer(args) {
        if (!isFloatingType(args.tensor('input').dtype)) args.fail(`input must be a float tensor, got ${scalarTypeName(args.tensor('input').dtype)}`);
        return groupMeta(args, args.dtype('dtype'));
      },
      compute(args, [out]) {
        const input = args.tensor('input');
        const scales = args.tensor('scales');
        const zeroPoints = args.tensor('zero_points');
        const layout = groupLayout(args, input, scales, zeroPoints);
        const data = readNumbers(input);
        for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i]!)) args.fail(`input element ${i} is NaN`);
        // to_quant.mul(1.0 / scales).add(zero_points).round().clamp_(quant_min, quant_max)
        const product = arithmeticDtype(input.dtype, scales.dtype);
        const arithmetic = torchQuantizeArithmetic(arithmeticDtype(product, zeroPoints.dtype), scales.dtype, true);
        quantizeAffine(data, readNumbers(scales), readNumbers(zeroPoints), layout, args.int('quant_min'), args.int('quant_max'), arithmetic, out!);
      },
    }),
    ...defineOperator({
      functional:
        `${Q}dequantize_per_channel_group(Tensor input, Tensor scales, Tensor? zero_points, int quant_min, int quant_max, ` +
        'ScalarType dtype, int group_size, ScalarType output_dtype) -> Tensor',
      infer(args) {
        const outputDtype = args.dtype('output_dtype');
        if (!isFloatingType(outputDtype)) args.fail(`output_dtype must be a float dtype, got ${scalarTypeName(outputDtype)}`);
        return groupMeta(args, outputDtype);
      },
      compute(args, [out]) {
        const input = args.tensor('input');
        const scales = args.tensor('scales');
        const zeroPoints = args.optionalTensor('zero_points');
        const layout = groupLayout(args, input, scales, zeroPoints);
        // w.sub(zero_points).mul(scales).to(output_dtype)
        const difference = zeroPoints ? arithmeticDtype(input.dtype, zeroPoints.dtype) : input.dtype;
        const arithmetic = torchDequantizeArithmetic(difference, scales.dtype, arithmeticDtype(difference, scales.dtype));
        dequantizeAffine(readNumbers(input), readNumbers(scales), zeroPoints ? readNumbers(zeroPoints) : null, layout, arithmetic, out!);
      },
    }),
  ];
}
