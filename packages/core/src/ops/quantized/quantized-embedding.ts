/**
 * Embedding lookups in quantized tables: `quantized_decomposed::embedding_byte` (int8/uint8
 * rows), `embedding_4bit` and `embedding_2bit` (rows packed 2 or 4 per byte, values offset by 8
 * or 2), each with per-row or per-group scales and optional float zero points, in four variants
 * (functional, `.dtype`, `.out`, `.dtype_out`; in ExecuTorch's 4/2-bit `.dtype_out` schemas
 * `dtype` is positional). PyTorch dequantizes via `dequantize_per_channel_group` in the scales'
 * dtype and converts to `dtype`; ExecuTorch computes `(q − zp) · scale` in float32. ExecuTorch's
 * `.out` kernels read the scales as the out dtype, so there the scales must have the out dtype.
 */

import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { type Dim, dimEquals, shapeToString } from '../../ir/sym.js';
import { EXECUTORCH_DEQUANTIZE, torchDequantizeArithmetic } from '../../kernels/quantize.js';
import { quantizedEmbeddingLookup, valuesPerByte } from '../../kernels/quantized-embedding.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, scalarTypeName } from '../../scalar-type.js';
import type { OperatorDefinition } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { arithmeticDtype, defineReferenceFamily } from './reference-family.js';

type Bits = 2 | 4 | 8;

const PARAMETER_DTYPES: readonly ScalarType[] = [ScalarType.FLOAT, ScalarType.HALF, ScalarType.BFLOAT16];

/** The fixed quantization range PyTorch's 4/2-bit embeddings assert. */
const RANGES: Record<Bits, readonly [number, number] | null> = { 8: null, 4: [-8, 7], 2: [-2, 1] };

function embeddingMeta(bits: Bits, dtypeArgument: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const weight = args.tensor('weight');
    const scales = args.tensor('weight_scales');
    const zeroPoints = args.optionalTensor('weight_zero_points');
    const indices = args.tensor('indices');
    const allowed: readonly ScalarType[] = bits === 8 ? [ScalarType.CHAR, ScalarType.BYTE] : [ScalarType.BYTE];
    if (!allowed.includes(weight.dtype)) args.fail(`weight must be ${allowed.map(scalarTypeName).join(' or ')}, got ${scalarTypeName(weight.dtype)}`);
    if (weight.shape.length !== 2) args.fail(`weight must be 2-D, got ${shapeToString(weight.shape)}`);
    if (!PARAMETER_DTYPES.includes(scales.dtype)) args.fail(`weight_scales must be float32, float16 or bfloat16, got ${scalarTypeName(scales.dtype)}`);
    if (scales.shape.length !== 1 && scales.shape.length !== 2) args.fail(`weight_scales must be 1-D or 2-D, got ${shapeToString(scales.shape)}`);
    if (!dimEquals(scales.shape[0]!, weight.shape[0]!)) args.fail(`weight_scales ${shapeToString(scales.shape)} must have one row per weight row (${shapeToString(weight.shape)})`);
    if (zeroPoints && (zeroPoints.dtype !== scales.dtype || zeroPoints.shape.length !== scales.shape.length || !dimEquals(zeroPoints.shape[0]!, scales.shape[0]!))) {
      args.fail(`weight_zero_points ${shapeToString(zeroPoints.shape)} must match weight_scales ${shapeToString(scales.shape)} in shape and dtype`);
    }
    if (indices.dtype !== ScalarType.LONG && indices.dtype !== ScalarType.INT) args.fail(`indices must be int64 or int32, got ${scalarTypeName(indices.dtype)}`);
    const range = RANGES[bits];
    if (range && (args.int('weight_quant_min') !== range[0] || args.int('weight_quant_max') !== range[1])) {
      args.fail(`${bits}-bit embeddings expect weight_quant_min ${range[0]} and weight_quant_max ${range[1]}`);
    }
    const packed = weight.shape[1]!;
    const dim: Dim = typeof packed === 'number' ? packed * valuesPerByte(bits) : packed;
    if (scales.shape.length === 2 && typeof dim === 'number' && typeof scales.shape[1] === 'number' && dim % scales.shape[1] !== 0) {
      args.fail(`${scales.shape[1]} groups do not divide the embedding dim ${dim}`);
    }
    const dtype = (dtypeArgument ? args.optionalDtype('dtype') : null) ?? scales.dtype;
    if (!PARAMETER_DTYPES.includes(dtype)) args.fail(`dtype must be float32, float16 or bfloat16, got ${scalarTypeName(dtype)}`);
    return [tensorMeta(dtype, [...indices.shape, dim])];
  };
}

interface Table {
  weight: Tensor;
  scales: Tensor;
  zeroPoints: Tensor | null;
  indices: Tensor;
}

function table(args: RuntimeArgs, bits: Bits): Table {
  const weight = args.tensor('weight');
  const scales = args.tensor('weight_scales');
  const zeroPoints = args.optionalTensor('weight_zero_points');
  const indices = args.tensor('indices');
  const dim = (weight.shape[1] ?? 0) * valuesPerByte(bits);
  const groups = scales.rank === 2 ? scales.shape[1]! : 1;
  if (weight.rank !== 2 || scales.shape[0] !== weight.shape[0] || groups === 0 || dim % groups !== 0) {
    args.fail(`weight [${weight.shape.join(', ')}] and weight_scales [${scales.shape.join(', ')}] do not fit (${groups} groups over ${dim} values per row)`);
  }
  if (zeroPoints && (zeroPoints.numel !== scales.numel || zeroPoints.dtype !== scales.dtype)) args.fail('weight_zero_points must match weight_scales in shape and dtype');
  return { weight, scales, zeroPoints, indices };
}

/** PyTorch: `dequantize_per_channel_group(...)` in the scales' dtype, then `aten::embedding`. */
function lookupTorch(bits: Bits) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const { weight, scales, zeroPoints, indices } = table(args, bits);
    const groupSize = (weight.shape[1]! * valuesPerByte(bits)) / (scales.rank === 2 ? scales.shape[1]! : 1);
    if (groupSize <= 1) args.fail(`PyTorch's dequantize_per_channel_group needs groups of more than one value, got ${groupSize}`);
    const valueDtype = bits === 8 ? weight.dtype : ScalarType.CHAR;
    const difference = zeroPoints ? arithmeticDtype(valueDtype, zeroPoints.dtype) : valueDtype;
    const arithmetic = torchDequantizeArithmetic(difference, scales.dtype, arithmeticDtype(difference, scales.dtype));
    quantizedEmbeddingLookup({ weight, bits, scales, zeroPoints, indices }, arithmetic, out!);
  };
}

/** ExecuTorch: `(float)(q − zp) · (float)scale` cast to the out dtype. */
function lookupExecutorch(bits: Bits, dtypeArgument: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const { weight, scales, zeroPoints, indices } = table(args, bits);
    if (!dtypeArgument && scales.dtype !== out!.dtype) args.fail(`weight_scales (${scalarTypeName(scales.dtype)}) must have the out dtype ${scalarTypeName(out!.dtype)}`);
    if (zeroPoints && zeroPoints.dtype !== out!.dtype) args.fail(`weight_zero_points must have the out dtype ${scalarTypeName(out!.dtype)}`);
    const dtype = dtypeArgument ? args.optionalDtype('dtype') : null;
    if (dtype !== null && dtype !== out!.dtype) args.fail(`out dtype ${scalarTypeName(out!.dtype)} does not match dtype ${scalarTypeName(dtype)}`);
    if (bits === 8 && indices.dtype !== ScalarType.LONG) args.fail(`indices must be int64, got ${scalarTypeName(indices.dtype)}`);
    quantizedEmbeddingLookup({ weight, bits, scales, zeroPoints, indices }, EXECUTORCH_DEQUANTIZE, out!);
  };
}

const TABLE = 'Tensor weight, Tensor weight_scales, Tensor? weight_zero_points, int weight_quant_min, int weight_quant_max, Tensor indices';

function embeddingFamily(name: string, bits: Bits): OperatorDefinition[] {
  const op = `quantized_decomposed::${name}`;
  // ExecuTorch's quantized.yaml declares `dtype` positional in the 4/2-bit `.dtype_out` schemas.
  const dtypeOut = bits === 8 ? `${TABLE}, *, ScalarType? dtype=None, Tensor(a!) out` : `${TABLE}, ScalarType? dtype=None, *, Tensor(a!) out`;
  return [
    ...defineReferenceFamily({
      functional: `${op}(${TABLE}) -> Tensor`,
      out: `${op}.out(${TABLE}, *, Tensor(a!) out) -> Tensor(a!)`,
      infer: embeddingMeta(bits, false),
      torch: lookupTorch(bits),
      executorch: lookupExecutorch(bits, false),
    }),
    ...defineReferenceFamily({
      functional: `${op}.dtype(${TABLE}, *, ScalarType? dtype=None) -> Tensor`,
      out: `${op}.dtype_out(${dtypeOut}) -> Tensor(a!)`,
      infer: embeddingMeta(bits, true),
      torch: lookupTorch(bits),
      executorch: lookupExecutorch(bits, true),
    }),
  ];
}

/** `embedding_byte`, `embedding_4bit` and `embedding_2bit` in all four variants. */
export function quantizedEmbeddingOperators(): OperatorDefinition[] {
  return [...embeddingFamily('embedding_byte', 8), ...embeddingFamily('embedding_4bit', 4), ...embeddingFamily('embedding_2bit', 2)];
}
