import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { unaryOperators } from './unary.js';

const registry = createOperatorRegistry(unaryOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

const f32 = (values: number[]) => Tensor.fromArray(ScalarType.FLOAT, [values.length], Float32Array.from(values));

/** Within `ulps` float32 units in the last place of the expected value. */
function expectUlps(actual: ArrayLike<number>, expected: number[], ulps: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    const ulp = Math.max(Math.abs(value) * 2 ** -23, 2 ** -149);
    expect(Math.abs(actual[i]! - value), `element ${i}: ${actual[i]} vs ${value}`).toBeLessThanOrEqual(ulps * ulp);
  });
}

// Expected values computed with torch 2.13 (float32 CPU).
const x = () => f32([-2, -0.5, 0, 0.5, 1, 3]);
const positive = () => f32([0.3, 2, 7, 1e-3]);

describe('unary operators', () => {
  it('rsqrt, sigmoid and silu round each float32 step as torch does (bit-exact)', () => {
    expect([...run('aten::rsqrt', positive()).data]).toEqual([1.8257417678833008, 0.7071067690849304, 0.37796449661254883, 31.622774124145508]);
    expect([...run('aten::sigmoid', x()).data]).toEqual([0.11920291930437088, 0.3775406777858734, 0.5, 0.622459352016449, 0.7310585975646973, 0.9525741338729858]);
    expect([...run('aten::silu', x()).data]).toEqual([-0.23840583860874176, -0.1887703388929367, 0, 0.3112296760082245, 0.7310585975646973, 2.857722520828247]);
  });

  it('transcendental functions agree with torch within one float32 ulp', () => {
    expectUlps(run('aten::exp', x()).data as Float32Array, [0.1353352814912796, 0.6065306663513184, 1, 1.6487212181091309, 2.7182817459106445, 20.08553695678711], 1);
    expectUlps(run('aten::tanh', x()).data as Float32Array, [-0.9640275835990906, -0.46211716532707214, 0, 0.46211716532707214, 0.7615941762924194, 0.9950547814369202], 1);
    expectUlps(run('aten::sin', x()).data as Float32Array, [-0.9092974066734314, -0.4794255495071411, 0, 0.4794255495071411, 0.8414709568023682, 0.14112000167369843], 1);
    expectUlps(run('aten::cos', x()).data as Float32Array, [-0.416146844625473, 0.8775825500488281, 1, 0.8775825500488281, 0.5403023362159729, -0.9899924993515015], 1);
    expectUlps(run('aten::log', positive()).data as Float32Array, [-1.2039728164672852, 0.6931471824645996, 1.9459102153778076, -6.907755374908447], 1);
    expectUlps(run('aten::sqrt', positive()).data as Float32Array, [0.547722578048706, 1.4142135381698608, 2.6457512378692627, 0.03162277862429619], 0);
    expectUlps(run('aten::reciprocal', positive()).data as Float32Array, [3.3333332538604736, 0.5, 0.1428571492433548, 999.9999389648438], 0);
  });

  it('gelu with exact erf and with the tanh approximation', () => {
    expectUlps(run('aten::gelu', x(), 'none').data as Float32Array, [-0.04550027847290039, -0.1542687714099884, 0, 0.3457312285900116, 0.8413447141647339, 2.9959497451782227], 2);
    expectUlps(run('aten::gelu', x(), 'tanh').data as Float32Array, [-0.04540228843688965, -0.1542859971523285, 0, 0.3457140028476715, 0.8411920070648193, 2.9963626861572266], 1);
    expect(() => run('aten::gelu', x(), 'fast')).toThrow(/approximate must be 'none' or 'tanh'/);
  });

  it('promotes integers to float32 for transcendental functions and keeps them for neg', () => {
    const ints = Tensor.fromArray(ScalarType.LONG, [3], BigInt64Array.of(0n, 1n, 2n));
    const exp = run('aten::exp', ints);
    expect(exp.dtype).toBe(ScalarType.FLOAT);
    expectUlps(exp.data as Float32Array, [1, 2.7182817459106445, 7.389056205749512], 1);
    const neg = run('aten::neg', ints);
    expect(neg.dtype).toBe(ScalarType.LONG);
    expect([...neg.data]).toEqual([0n, -1n, -2n]);
  });

  it('logical_not yields bools, bitwise_not flips integers, neg rejects bools', () => {
    const mask = Tensor.fromArray(ScalarType.BOOL, [3], Uint8Array.of(1, 0, 1));
    expect([...run('aten::logical_not', f32([0, -1, Number.NaN])).data]).toEqual([1, 0, 0]);
    expect([...run('aten::bitwise_not', mask).data]).toEqual([0, 1, 0]);
    expect([...run('aten::bitwise_not', Tensor.fromArray(ScalarType.INT, [2], Int32Array.of(0, 5))).data]).toEqual([-1, -6]);
    expect(() => run('aten::neg', mask)).toThrow(/not defined for bool/);
  });

  it('out and in-place variants write their targets', () => {
    const out = Tensor.zeros(ScalarType.FLOAT, [4]);
    run('aten::rsqrt.out', positive(), out);
    expect(out.data[1]).toBe(0.7071067690849304);
    const self = f32([-1, 2]);
    expect(run('aten::relu_', self)).toBe(self);
    expect([...self.data]).toEqual([0, 2]);
  });

  it('rounding functions (round is half to even) and sign', () => {
    const x = () => f32([-2.5, -0.5, 0.5, 1.5, 2.5, -1.7]);
    expect([...run('aten::round', x()).data]).toEqual([-2, -0, 0, 2, 2, -2]);
    expect([...run('aten::floor', x()).data]).toEqual([-3, -1, 0, 1, 2, -2]);
    expect([...run('aten::ceil', x()).data]).toEqual([-2, -0, 1, 2, 3, -1]);
    expect([...run('aten::trunc', x()).data]).toEqual([-2, -0, 0, 1, 2, -1]);
    expect([...run('aten::sign', x()).data]).toEqual([-1, -1, 1, 1, 1, -1]);
  });

  it('erf, expm1, log1p, log2, atan, isnan and isinf', () => {
    const y = () => f32([-1, 0.25, 2]);
    expectUlps(run('aten::erf', y()).data as Float32Array, [-0.8427007794380188, 0.27632638812065125, 0.9953222870826721], 1);
    expectUlps(run('aten::expm1', y()).data as Float32Array, [-0.6321205496788025, 0.2840254306793213, 6.389056205749512], 1);
    expectUlps(run('aten::log1p', f32([1, 0.25, 2])).data as Float32Array, [0.6931471824645996, 0.2231435477733612, 1.0986123085021973], 1);
    expect([...run('aten::log2', f32([1, 0.25, 2])).data]).toEqual([0, -2, 1]);
    expectUlps(run('aten::atan', y()).data as Float32Array, [-0.7853981852531433, 0.244978666305542, 1.1071487665176392], 1);
    expect([...run('aten::isnan', f32([1, Number.NaN, Infinity])).data]).toEqual([0, 1, 0]);
    expect([...run('aten::isinf', f32([1, Number.NaN, -Infinity])).data]).toEqual([0, 0, 1]);
  });

  it('activations with parameters: hardtanh, leaky_relu, elu', () => {
    const x = () => f32([-2, -0.5, 0.5, 3]);
    expect([...run('aten::hardtanh', x(), -1, 2).data]).toEqual([-1, -0.5, 0.5, 2]);
    expect([...run('aten::leaky_relu', x(), 0.1).data]).toEqual([-0.20000000298023224, -0.05000000074505806, 0.5, 3]);
    expectUlps(run('aten::elu', x(), 1.5, 1, 1).data as Float32Array, [-1.2969970703125, -0.5902040004730225, 0.5, 3], 1);
    const out = Tensor.zeros(ScalarType.FLOAT, [4]);
    run('aten::hardtanh.out', x(), -1, 1, out);
    expect([...out.data]).toEqual([-1, -0.5, 0.5, 1]);
  });

  it('trigonometric and hyperbolic functions', () => {
    const y = () => f32([-0.5, 0.25, 0.75]);
    expectUlps(run('aten::tan', y()).data as Float32Array, [-0.5463024973869324, 0.25534191727638245, 0.9315964579582214], 1);
    expectUlps(run('aten::asin', y()).data as Float32Array, [-0.5235987901687622, 0.252680242061615, 0.8480620980262756], 1);
    expectUlps(run('aten::atanh', y()).data as Float32Array, [-0.5493061542510986, 0.2554128170013428, 0.9729551076889038], 1);
    expectUlps(run('aten::cosh', y()).data as Float32Array, [1.1276259422302246, 1.0314130783081055, 1.2946833372116089], 1);
  });
});
