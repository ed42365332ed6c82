import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { matmulOperators } from './matmul.js';

const registry = createOperatorRegistry(matmulOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const f32 = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));

/**
 * Within `ulps` float32 units in the last place: torch sums in float32, etch in float64 rounded
 * once, so a product may differ from torch's by one rounding (etch's is the correctly rounded one).
 */
function expectUlps(actual: ArrayLike<number>, expected: number[], ulps: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    const ulp = Math.max(Math.abs(value) * 2 ** -23, 2 ** -149);
    expect(Math.abs(actual[i]! - value), `element ${i}: ${actual[i]} vs ${value}`).toBeLessThanOrEqual(ulps * ulp);
  });
}

// Expected values computed with torch 2.13 (float32).
const a = () => f32([2, 3], [1.5, -2, 0.25, 3, 0.5, -1]);
const b = () => f32([3, 2], [0.1, 2, -1, 0.3, 4, -0.7]);

describe('matrix products', () => {
  it('mm and mm.out match torch', () => {
    // torch's 2.2250001 is one ulp above the correctly rounded sum 2.22499997914… → 2.2249999.
    expectUlps(run('aten::mm', a(), b()).data as Float32Array, [3.1500000953674316, 2.2250001430511475, -4.199999809265137, 6.849999904632568], 1);
    const out = Tensor.zeros(ScalarType.FLOAT, [2, 2]);
    expect(run('aten::mm.out', a(), b(), out)).toBe(out);
    expect([...out.data]).toEqual([...run('aten::mm', a(), b()).data]);
  });

  it('addmm scales the product and the broadcast bias', () => {
    const result = run('aten::addmm', f32([2], [0.5, -1]), a(), b(), 2, 0.5);
    expectUlps(result.data as Float32Array, [2.575000047683716, -0.887499988079071, -1.100000023841858, 1.4250000715255737], 1);
  });

  it('bmm multiplies each batch, including the four-row blocks', () => {
    const left = f32([2, 5, 3], Array.from({ length: 30 }, (_, i) => i - 10));
    const right = f32([2, 3, 2], Array.from({ length: 12 }, (_, i) => (i % 5) - 2));
    const result = run('aten::bmm', left, right);
    expect(result.shape).toEqual([2, 5, 2]);
    for (let batch = 0; batch < 2; batch++) {
      for (let row = 0; row < 5; row++) {
        for (let column = 0; column < 2; column++) {
          let sum = 0;
          for (let k = 0; k < 3; k++) sum += (left.data[batch * 15 + row * 3 + k] as number) * (right.data[batch * 6 + k * 2 + column] as number);
          expect(result.data[batch * 10 + row * 2 + column]).toBe(sum);
        }
      }
    }
  });

  it('linear flattens leading dims and adds the bias', () => {
    const x = f32([1, 2, 3], [1, 2, 3, 4, 5, 6]);
    const w = f32([2, 3], [0.5, -1, 2, 1, 1, 1]);
    const result = run('aten::linear', x, w, f32([2], [0.25, -0.5]));
    expect(result.shape).toEqual([1, 2, 2]);
    expect([...result.data]).toEqual([4.75, 5.5, 9.25, 14.5]);
  });

  it('matmul broadcasts batch dims and drops the dims of vectors', () => {
    const left = f32([2, 1, 2, 3], Array.from({ length: 12 }, (_, i) => i));
    const right = f32([3, 2], [-2, -1, 0, 1, 2, 3]);
    const result = run('aten::matmul', left, right);
    expect(result.shape).toEqual([2, 1, 2, 2]);
    expect([...result.data]).toEqual([4, 7, 4, 16, 4, 25, 4, 34]);
    const vector = run('aten::matmul', f32([3], [0, 1, 2]), right);
    expect(vector.shape).toEqual([2]);
    expect([...vector.data]).toEqual([4, 7]);
  });

  it('register-blocked tiles and their leftover rows and columns match a naive product', () => {
    const rows = 9;
    const inner = 5;
    const columns = 7;
    const left = f32([rows, inner], Array.from({ length: rows * inner }, (_, i) => Math.sin(i)));
    const right = f32([inner, columns], Array.from({ length: inner * columns }, (_, i) => Math.cos(i * 0.3)));
    const rightTransposed = f32([columns, inner], Array.from({ length: inner * columns }, (_, i) => right.data[(i % inner) * columns + Math.floor(i / inner)] as number));
    const bias = f32([columns], Array.from({ length: columns }, (_, i) => i - 3));
    const naive = (row: number, column: number) => {
      let sum = 0;
      for (let k = 0; k < inner; k++) sum += (left.data[row * inner + k] as number) * (right.data[k * columns + column] as number);
      return sum;
    };
    const product = run('aten::mm', left, right);
    const affine = run('aten::addmm', bias, left, right, 0.5, 2);
    const linear = run('aten::linear', left, rightTransposed, bias);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const at = row * columns + column;
        expect(product.data[at]).toBe(Math.fround(naive(row, column)));
        expect(affine.data[at]).toBe(Math.fround(2 * naive(row, column) + 0.5 * (column - 3)));
        expect(linear.data[at]).toBe(Math.fround(naive(row, column) + (column - 3)));
      }
    }
  });

  it('computes int64 products exactly', () => {
    const x = Tensor.fromArray(ScalarType.LONG, [1, 2], BigInt64Array.of(3n, -4n));
    const y = Tensor.fromArray(ScalarType.LONG, [2, 1], BigInt64Array.of(5n, 6n));
    expect([...run('aten::mm', x, y).data]).toEqual([-9n]);
  });

  it('infers symbolic shapes and rejects mismatched inner dims', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [sym('s'), 3]));
    const w = builder.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [3, 8]));
    expect(builder.shape(builder.op('aten::mm', x, w))).toEqual([sym('s'), 8]);
    expect(() => builder.op('aten::mm', x, x)).toThrow(/inner dims differ \(3 vs s\)/);
    const half = builder.placeholder('h', GraphBuilder.tensor(ScalarType.HALF, [3, 8]));
    expect(() => builder.op('aten::mm', x, half)).toThrow(/share a dtype/);
  });
});
