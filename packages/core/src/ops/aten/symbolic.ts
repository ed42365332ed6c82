/**
 * The `aten::` ops that turn tensors into scalars at run time: `sym_size.int` and `sym_numel`
 * (dynamic sizes, as `torch.export`'s `ReplaceSymSizeOpPass` leaves them) and `_local_scalar_dense`
 * (`tensor.item()`, e.g. `start_pos = input_pos[0].item()` in LLM exports). ExecuTorch implements
 * them as prim ops (`kernels/prim_ops/register_prim_ops.cpp`). At export time `sym_size`/`sym_numel`
 * carry their symbolic value (`s`, `4·s`), so shape rules downstream stay exact; an `.item()` is
 * only known to be an int, float or bool.
 */

import { ShapeError } from '../../errors.js';
import type { ValueMeta } from '../../ir/meta.js';
import { numelDims } from '../../ir/sym.js';
import { readScalar } from '../../kernels/access.js';
import { ScalarType, isFloatingType, isIntegralType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineScalarOperator } from '../definition.js';
import { wrapDim } from '../shape-rules.js';

function numelMeta(shape: Parameters<typeof numelDims>[0]): ValueMeta {
  try {
    return { kind: 'symint', value: numelDims(shape) };
  } catch (error) {
    // A product of two symbolic dims is not affine: the value is only known at run time.
    if (error instanceof ShapeError) return { kind: 'int' };
    throw error;
  }
}

/** The Scalar kind `.item()` yields for a dtype, or undefined for quantized and packed dtypes. */
function scalarKind(dtype: ScalarType): 'int' | 'float' | 'bool' | undefined {
  if (dtype === ScalarType.BOOL) return 'bool';
  if (isFloatingType(dtype)) return 'float';
  return isIntegralType(dtype, false) ? 'int' : undefined;
}

/** `aten::sym_size.int`, `aten::sym_numel` and `aten::_local_scalar_dense`. */
export function symbolicOperators(): OperatorDefinition[] {
  return [
    defineScalarOperator({
      schema: 'aten::sym_size.int(Tensor self, int dim) -> SymInt',
      infer(args) {
        const shape = args.tensor('self').shape;
        let dim: number;
        try {
          dim = wrapDim(args.int('dim'), shape.length);
        } catch (error) {
          return args.fail(error instanceof Error ? error.message : String(error));
        }
        return { kind: 'symint', value: shape[dim]! };
      },
      compute(args) {
        const self = args.tensor('self');
        const dim = args.int('dim');
        if (dim < -self.rank || dim >= self.rank || self.rank === 0) args.fail(`dim ${dim} out of range for rank ${self.rank}`);
        return self.shape[dim < 0 ? dim + self.rank : dim]!;
      },
    }),
    defineScalarOperator({
      schema: 'aten::sym_numel(Tensor self) -> SymInt',
      infer: (args) => numelMeta(args.tensor('self').shape),
      compute: (args) => args.tensor('self').numel,
    }),
    defineScalarOperator({
      schema: 'aten::_local_scalar_dense(Tensor self) -> Scalar',
      infer(args) {
        const dtype = args.tensor('self').dtype;
        const kind = scalarKind(dtype);
        if (!kind) return args.fail(`cannot read a scalar from a ${scalarTypeName(dtype)} tensor`);
        return { kind };
      },
      compute(args) {
        const self = args.tensor('self');
        const kind = scalarKind(self.dtype);
        if (!kind) args.fail(`cannot read a scalar from a ${scalarTypeName(self.dtype)} tensor`);
        if (self.numel < 1) args.fail('expected a tensor with at least 1 element');
        return kind === 'bool' ? readScalar(self) !== 0 : readScalar(self);
      },
    }),
  ];
}
