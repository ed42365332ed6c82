/**
 * Helpers shared by the `quantized_decomposed::` operators. Their functional forms are PyTorch's
 * (`torch/ao/quantization/fx/_decomposed.py`, `exir/passes/_quant_patterns_and_replacements.py`)
 * and their `.out` forms are ExecuTorch's kernels (`kernels/quantized/cpu`), and the two round
 * differently in edge cases (float64 vs float32 intermediates, qparam formulas). Each variant
 * follows its own reference exactly, so the export-time evaluator matches PyTorch and the
 * runtime's kernels match ExecuTorch; `defineReferenceFamily` pairs them for the `.out` conversion.
 */

import { ShapeError } from '../../errors.js';
import type { TensorMeta } from '../../ir/meta.js';
import { type Dim, numelDims } from '../../ir/sym.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { promoteTypes } from '../shape-rules.js';

/** The two schemas of a family, its shape rule, and one compute function per reference. */
export interface ReferenceFamilySpec {
  /** PyTorch's functional schema. */
  functional: string;
  /** ExecuTorch's out schema: the functional arguments plus the out tensors. */
  out: string;
  infer(args: MetaArgs): TensorMeta[];
  /** PyTorch's semantics, for the functional variant. */
  torch(args: RuntimeArgs, outs: Tensor[]): void;
  /** ExecuTorch's kernel, for the out variant. */
  executorch(args: RuntimeArgs, outs: Tensor[]): void;
}

/** A functional/out pair whose variants compute with different references (see the module comment). */
export function defineReferenceFamily(spec: ReferenceFamilySpec): OperatorDefinition[] {
  const [functional] = defineOperator({ functional: spec.functional, infer: spec.infer, compute: spec.torch });
  const [out] = defineOperator({ out: spec.out, infer: spec.infer, compute: spec.executorch });
  return [{ ...functional!, outVariant: out!.key }, out!];
}

/** Integer bounds of the quantized dtypes PyTorch's decomposed ops and ExecuTorch's kernels accept. */
const QUANTIZED_BOUNDS: Partial<Record<ScalarType, readonly [number, number]>> = {
  [ScalarType.BYTE]: [0, 255],
  [ScalarType.CHAR]: [-128, 127],
  [ScalarType.SHORT]: [-32768, 32767],
  [ScalarType.UINT16]: [0, 65535],
  [ScalarType.BITS16]: [0, 65535],
  [ScalarType.INT]: [-(2 ** 31), 2 ** 31 - 1],
};

/** Fails unless `dtype` is a quantized integer dtype and [quantMin, quantMax] lies within its range. */
export function checkQuantizedRange(fail: (message: string) => never, dtype: ScalarType, quantMin: number, quantMax: number): void {
  const bounds = QUANTIZED_BOUNDS[dtype];
  if (!bounds) fail(`unsupported quantized dtype ${scalarTypeName(dtype)} (expected uint8, int8, int16, uint16 or int32)`);
  if (quantMin < bounds[0] || quantMax > bounds[1]) fail(`[${quantMin}, ${quantMax}] is outside the range of ${scalarTypeName(dtype)} [${bounds[0]}, ${bounds[1]}]`);
  if (quantMin > quantMax) fail(`quant_min ${quantMin} is greater than quant_max ${quantMax}`);
}

/** The float dtypes a quantize op reads (PyTorch converts half and bfloat16 to float32 first). */
export function isQuantizableInput(dtype: ScalarType): boolean {
  return dtype === ScalarType.FLOAT || dtype === ScalarType.HALF || dtype === ScalarType.BFLOAT16 || dtype === ScalarType.DOUBLE;
}

/**
 * The dtype `a op b` computes in, as far as rounding goes: integer operands never round (the
 * values involved are small integers), so only the floating operands' promotion matters.
 */
export function arithmeticDtype(a: ScalarType, b: ScalarType): ScalarType {
  if (!isFloatingType(a)) return b;
  if (!isFloatingType(b)) return a;
  return promoteTypes(a, b);
}

/** The element count of a shape, or undefined when it is not affine in one symbol (checked at run time then). */
export function affineCount(shape: readonly Dim[]): Dim | undefined {
  try {
    return numelDims(shape);
  } catch (error) {
    if (error instanceof ShapeError) return undefined;
    throw error;
  }
}
