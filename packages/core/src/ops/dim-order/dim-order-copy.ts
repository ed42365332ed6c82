/**
 * The `dim_order_ops::` copies ExecuTorch's edge dialect uses in place of `aten::_to_copy` and
 * `aten::clone` when dim orders are tracked: `_to_dim_order_copy` (a copy with dtype conversion,
 * as `_to_copy` converts: C++ `static_cast`, so floats truncate toward zero and anything nonzero,
 * NaN included, becomes True) and `_clone_dim_order` (same dtype). Schemas are those of
 * `exir/passes/dim_order_ops_registry.py`; like the ExecuTorch kernels, the out variants drop the
 * TensorOptions arguments and take the dtype from the out tensor. etch tensors are always
 * contiguous, so only the contiguous dim order (0, 1, …, rank-1) is supported.
 */

import { UnsupportedOperatorError } from '../../errors.js';
import type { TensorMeta } from '../../ir/meta.js';
import { tensorMeta } from '../../ir/meta.js';
import { convertInto } from '../../kernels/convert.js';
import type { Tensor } from '../../kernels/tensor.js';
import { type ScalarType, isFloatingType, isIntegralType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { schemaKey, parseSchema } from '../schema.js';

const TO_COPY = 'dim_order_ops::_to_dim_order_copy';
const TO_COPY_OUT =
  'dim_order_ops::_to_dim_order_copy.out(Tensor self, *, bool non_blocking=False, int[]? dim_order=None, Tensor(a!) out) -> Tensor(a!)';

/** Fails unless `dimOrder` is absent (keep the input's, which is contiguous) or contiguous. */
function checkContiguous(op: string, dimOrder: readonly number[] | null, rank: number): void {
  if (dimOrder === null) return;
  if (dimOrder.length !== rank || dimOrder.some((d, i) => d !== i)) {
    throw new UnsupportedOperatorError(op, `dim_order [${dimOrder.join(', ')}] is not the contiguous order of a rank-${rank} tensor`, {
      hint: 'etch supports contiguous tensors only; export without channels-last or other memory formats',
    });
  }
}

function checkConvertible(op: string, dtype: ScalarType): void {
  if (!isFloatingType(dtype) && !isIntegralType(dtype, true)) {
    throw new UnsupportedOperatorError(op, `cannot convert ${scalarTypeName(dtype)} tensors`);
  }
}

function copyMeta(op: string, dtypeArgument: boolean) {
  return (args: MetaArgs): TensorMeta[] => {
    const self = args.tensor('self');
    checkContiguous(op, args.optionalInts('dim_order'), self.shape.length);
    const dtype = (dtypeArgument ? args.optionalDtype('dtype') : null) ?? self.dtype;
    checkConvertible(op, self.dtype);
    checkConvertible(op, dtype);
    return [tensorMeta(dtype, self.shape)];
  };
}

function copyCompute(op: string, sameDtype: boolean) {
  return (args: RuntimeArgs, [out]: Tensor[]): void => {
    const self = args.tensor('self');
    checkContiguous(op, args.optionalInts('dim_order'), self.rank);
    if (sameDtype && out!.dtype !== self.dtype) {
      args.fail(`out must have the dtype of self (${scalarTypeName(self.dtype)}), got ${scalarTypeName(out!.dtype)}`);
    }
    checkConvertible(op, out!.dtype);
    convertInto(self, out!);
  };
}

/** `_to_dim_order_copy` and `_clone_dim_order`, functional and `.out`. */
export function dimOrderCopyOperators(): OperatorDefinition[] {
  const [toCopy] = defineOperator({
    functional:
      `${TO_COPY}(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, ` +
      'bool non_blocking=False, int[]? dim_order=None) -> Tensor',
    infer: copyMeta(TO_COPY, true),
    compute: copyCompute(TO_COPY, false),
  });
  return [
    // The out variant has fewer arguments (no TensorOptions), so the family is declared in two parts.
    { ...toCopy!, outVariant: schemaKey(parseSchema(TO_COPY_OUT)) },
    ...defineOperator({ out: TO_COPY_OUT, infer: copyMeta(TO_COPY, false), compute: copyCompute(TO_COPY, false) }),
    ...defineOperator({
      functional: 'dim_order_ops::_clone_dim_order(Tensor self, *, bool non_blocking=False, int[]? dim_order=None) -> Tensor',
      out: 'dim_order_ops::_clone_dim_order.out(Tensor self, *, bool non_blocking=False, int[]? dim_order=None, Tensor(a!) out) -> Tensor(a!)',
      infer: copyMeta('dim_order_ops::_clone_dim_order', false),
      compute: copyCompute('dim_order_ops::_clone_dim_order', true),
    }),
  ];
}
