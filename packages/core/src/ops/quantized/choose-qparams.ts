/**
 * Per-tensor affine parameters chosen from the data: `quantized_decomposed::choose_qparams.tensor`
 * (PyTorch: torch.ao `determine_qparams` with `eps`) and `choose_qparams.Tensor_out` (ExecuTorch:
 * fbgemm's `calculate_scale_and_zero_point`, which ignores `eps`). Both return a float64 scale and
 * an int64 zero point of shape [1].
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { chooseQParamsPerTensor } from '../../kernels/quantize.js';
import { chooseQParamsRuntime } from '../../kernels/quantized-qparams.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { checkQuantizedRange, defineReferenceFamily } from './reference-family.js';

const INPUT_DTYPES: readonly ScalarType[] = [ScalarType.FLOAT, ScalarType.HALF, ScalarType.BFLOAT16];

function chooseMeta(args: MetaArgs): TensorMeta[] {
  const input = args.tensor('input');
  if (!INPUT_DTYPES.includes(input.dtype)) args.fail(`input must be float32, float16 or bfloat16, got ${scalarTypeName(input.dtype)}`);
  const quantMin = args.int('quant_min');
  const quantMax = args.int('quant_max');
  if (quantMin >= quantMax) args.fail(`quant_min ${quantMin} must be smaller than quant_max ${quantMax}`);
  checkQuantizedRange((m) => args.fail(m), args.dtype('dtype'), quantMin, quantMax);
  return [tensorMeta(ScalarType.DOUBLE, [1]), tensorMeta(ScalarType.LONG, [1])];
}

function chooseTorch(args: RuntimeArgs, [scale, zeroPoint]: Tensor[]): void {
  const quantMin = args.int('quant_min');
  const quantMax = args.int('quant_max');
  if (!(quantMin <= 0 && 0 <= quantMax)) args.fail(`the quantization range [${quantMin}, ${quantMax}] must include 0`);
  const result = chooseQParamsPerTensor(args.tensor('input'), quantMin, quantMax, args.float('eps'));
  (scale!.data as Float64Array)[0] = result.scale;
  (zeroPoint!.data as BigInt64Array)[0] = BigInt(result.zeroPoint);
}

function chooseExecutorch(args: RuntimeArgs, [scale, zeroPoint]: Tensor[]): void {
  const input = args.tensor('input');
  if (input.dtype !== ScalarType.FLOAT) args.fail(`input must be float32, got ${scalarTypeName(input.dtype)}`);
  if (input.numel === 0) args.fail('cannot choose parameters for an empty tensor');
  if (scale!.dtype !== ScalarType.DOUBLE || zeroPoint!.dtype !== ScalarType.LONG) args.fail('scale_out must be float64 and zero_point_out int64');
  chooseQParamsRuntime(input, args.int('quant_min'), args.int('quant_max'), scale!, zeroPoint!);
}

/** `choose_qparams.tensor` and `choose_qparams.Tensor_out`. */
export function chooseQParamsOperators(): OperatorDefinition[] {
  return defineReferenceFamily({
    functional: 'quantized_decomposed::choose_qparams.tensor(Tensor input, int quant_min, int quant_max, float eps, ScalarType dtype) -> (Tensor, Tensor)',
    out:
      'quantized_decomposed::choose_qparams.Tensor_out(Tensor input, int quant_min, int quant_max, float eps, ScalarType dtype, ' +
      '*, Tensor(a!) scale_out, Tensor(b!) zero_point_out) -> (Tensor(a!), Tensor(b!))',
    infer: chooseMeta,
    torch: chooseTorch,
    executorch: chooseExecutorch,
  });
}
