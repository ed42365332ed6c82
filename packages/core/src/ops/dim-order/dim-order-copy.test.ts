import { describe, expect, it } from 'vitest';
import { UnsupportedOperatorError } from '../../errors.js';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { dimOrderCopyOperators } from './dim-order-copy.js';

const registry = createOperatorRegistry(dimOrderCopyOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const source = () => Tensor.fromArray(ScalarType.FLOAT, [2, 3], Float32Array.of(1.5, -2.7, 0, NaN, 300.9, -0.4));

describe('dim_order_ops::_to_dim_order_copy', () => {
  it('converts dtypes as torch _to_copy does', () => {
    // torch.tensor([1.5, -2.7, 0.0, nan, 300.9, -0.4]).to(torch.bool) -> [True, True, False, True, True, True]
    const asBool = run('dim_order_ops::_to_dim_order_copy', source(), ScalarType.BOOL, null, null, null, false, null);
    expect(asBool.dtype).toBe(ScalarType.BOOL);
    expect(Array.from(asBool.data as Uint8Array)).toEqual([1, 1, 0, 1, 1, 1]);
    // .to(torch.float16).view(torch.int16) -> [15872, -16026, 0, 32256, 23732, -18842]
    const asHalf = run('dim_order_ops::_to_dim_order_copy', source(), ScalarType.HALF, null, null, null, false, [0, 1]);
    expect(Array.from(new Int16Array((asHalf.data as Uint16Array).buffer))).toEqual([15872, -16026, 0, 32256, 23732, -18842]);
    // without the NaN (undefined behaviour in C++): [1.5, -2.7, 0.0, 300.9, -0.4] -> int32 [1, -2, 0, 300, 0]
    const finite = Tensor.fromArray(ScalarType.FLOAT, [5], Float32Array.of(1.5, -2.7, 0, 300.9, -0.4));
    expect(Array.from(run('dim_order_ops::_to_dim_order_copy', finite, ScalarType.INT, null, null, null, false, null).data as Int32Array)).toEqual([1, -2, 0, 300, 0]);
    const same = run('dim_order_ops::_to_dim_order_copy', finite, null, null, null, null, false, null);
    expect(same.dtype).toBe(ScalarType.FLOAT);
    expect(same.data).not.toBe(finite.data);
    expect(Array.from(same.data as Float32Array)).toEqual(Array.from(finite.data as Float32Array));
  });

  it('resizes the out tensor and takes the dtype from it in the out variant', () => {
    const out = Tensor.zeros(ScalarType.LONG, [8]);
    const longs = Tensor.fromArray(ScalarType.INT, [2, 2], Int32Array.of(-1, 2, 3, -4));
    const result = run('dim_order_ops::_to_dim_order_copy.out', longs, false, null, out);
    expect(result).toBe(out);
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.data as BigInt64Array)).toEqual([-1n, 2n, 3n, -4n]);
    expect(registry.get('dim_order_ops::_to_dim_order_copy').outVariant).toBe('dim_order_ops::_to_dim_order_copy.out');
  });

  it('infers symbolic shapes and rejects non-contiguous dim orders', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 4, 4]));
    const half = builder.opNamed('dim_order_ops::_to_dim_order_copy', [x], { dtype: ScalarType.HALF, dim_order: [0, 1, 2, 3] });
    expect(builder.meta(half)).toEqual({ kind: 'tensor', dtype: ScalarType.HALF, shape: [1, sym('s'), 4, 4] });
    expect(() => builder.opNamed('dim_order_ops::_to_dim_order_copy', [x], { dim_order: [0, 2, 3, 1] })).toThrow(UnsupportedOperatorError);
    expect(() => builder.opNamed('dim_order_ops::_to_dim_order_copy', [x], { dim_order: [0, 2, 3, 1] })).toThrow(/dim_order \[0, 2, 3, 1\] is not the contiguous order/);
    expect(() => run('dim_order_ops::_to_dim_order_copy.out', source(), false, [1, 0], Tensor.zeros(ScalarType.FLOAT, [2, 3]))).toThrow(UnsupportedOperatorError);
  });
});

describe('dim_order_ops::_clone_dim_order', () => {
  it('copies into a fresh tensor or a resized out tensor of the same dtype', () => {
    const copy = run('dim_order_ops::_clone_dim_order', source(), false, null);
    expect(copy.shape).toEqual([2, 3]);
    expect(Array.from(copy.data as Float32Array)).toEqual(Array.from(source().data as Float32Array));
    const out = Tensor.zeros(ScalarType.FLOAT, [1]);
    expect(() => run('dim_order_ops::_clone_dim_order.out', source(), false, null, out)).toThrow(/cannot resize/);
    const roomy = new Tensor(ScalarType.FLOAT, [0], new ArrayBuffer(64), 0, 64);
    run('dim_order_ops::_clone_dim_order.out', source(), false, [0, 1], roomy);
    expect(roomy.shape).toEqual([2, 3]);
    expect((roomy.data as Float32Array)[4]).toBeCloseTo(300.9, 4);
    expect(() => run('dim_order_ops::_clone_dim_order.out', source(), false, null, Tensor.zeros(ScalarType.HALF, [2, 3]))).toThrow(/out must have the dtype of self/);
  });
});
