import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import { symbolicOperators } from '../aten/symbolic.js';
import { viewOperators } from './et-view.js';

const registry = createOperatorRegistry(symbolicOperators(), viewOperators());
const view = registry.get('executorch_prim::et_view.default');

describe('executorch_prim::et_view.default', () => {
  it('shares the input storage with new sizes, inferring -1 (prim_ops_test.cpp TestETViewDynamic)', () => {
    const self = Tensor.fromArray(ScalarType.INT, [3, 1], Int32Array.of(1, 2, 3));
    const [out] = view.evaluate(new RuntimeArgs(view.schema, [self, [1, 3, -1]])) as Tensor[];
    expect(out!.shape).toEqual([1, 3, 1]);
    expect(Array.from(out!.data as Int32Array)).toEqual([1, 2, 3]);
    // A view, not a copy: writes through the input show up in the output.
    (self.data as Int32Array)[2] = 30;
    expect((out!.data as Int32Array)[2]).toBe(30);
    expect(out!.data.buffer).toBe(self.data.buffer);
  });

  it('infers symbolic sizes, including a -1 dividing by a symbolic dim', () => {
    const builder = new GraphBuilder(registry);
    const s = sym('s');
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, s, 64]));
    const length = builder.size(x, 1);
    expect(builder.meta(builder.op('executorch_prim::et_view.default', x, [1, length, 4, 16]))).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [1, s, 4, 16] });
    expect(builder.meta(builder.op('executorch_prim::et_view.default', x, [length, -1]))).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [s, 64] });
    expect(builder.meta(builder.op('executorch_prim::et_view.default', x, [-1, 32]))).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [sym('s', 2), 32] });
  });

  it('rejects views whose element counts differ, two -1s and -1 beside a 0', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, sym('s'), 6]));
    expect(() => builder.op('executorch_prim::et_view.default', x, [-1, 5])).toThrow(/et_view\.default: cannot view \[2, s, 6\] as \[-1, 5\]: 12\*s is not a multiple of 5/);
    expect(() => builder.op('executorch_prim::et_view.default', x, [-1, -1])).toThrow(/one -1/);
    expect(() => builder.op('executorch_prim::et_view.default', x, [12, 3])).toThrow(/element counts differ/);
    const empty = builder.placeholder('empty', GraphBuilder.tensor(ScalarType.FLOAT, [0, 4]));
    expect(() => builder.op('executorch_prim::et_view.default', empty, [0, -1])).toThrow(/another dim is 0/);
    expect(() => view.evaluate(new RuntimeArgs(view.schema, [Tensor.zeros(ScalarType.FLOAT, [2, 3]), [4, 2]]))).toThrow(/cannot view \[2, 3\]/);
  });
});
