import { describe, expect, it } from 'vitest';
import { UnsupportedOperatorError } from '../../errors.js';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { writeNumbers } from '../../kernels/access.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { attentionOperators } from './attention.js';

const registry = createOperatorRegistry(attentionOperators());
const sdpa = registry.get('aten::scaled_dot_product_attention');

/** Deterministic inputs exactly representable in float32: ((i·37 + 11·seed) mod 23 − 11) / 8. */
function values(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (((i * 37 + seed * 11) % 23) - 11) / 8;
  return Tensor.fromArray(ScalarType.FLOAT, shape, data);
}

/** Runs the op with arguments in schema order: q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa. */
function attention(...args: RuntimeValue[]): Tensor {
  return sdpa.evaluate(new RuntimeArgs(sdpa.schema, args))[0] as Tensor;
}

function expectClose(actual: Tensor, expected: number[], tolerance = 1e-6): void {
  expect(actual.numel).toBe(expected.length);
  const data = actual.data as Float32Array;
  expected.forEach((e, i) => expect(Math.abs(data[i]! - e), `element ${i}: ${data[i]} vs ${e}`).toBeLessThanOrEqual(tolerance));
}

// Expected values: torch 2.13.0+cpu, torch.nn.functional.scaled_dot_product_attention on the same
// inputs (values(shape, seed) above, built with torch.tensor(..., dtype=float32)), rounded to 7 decimals.
describe('aten::scaled_dot_product_attention', () => {
  it('matches torch with the default scale 1/sqrt(E) and a value width different from E', () => {
    const out = attention(values([1, 2, 3, 4], 1), values([1, 2, 5, 4], 2), values([1, 2, 5, 3], 3), null, 0, false, null, false);
    expect(out.shape).toEqual([1, 2, 3, 3]);
    // F.scaled_dot_product_attention(q, k, v)
    expectClose(out, [
      -0.0478731, 0.3604518, 0.2757601, -0.4009904, -0.3175015, 0.1007757, 0.7039645, 0.0831087, -0.4727849, 0.3935945,
      -0.0475753, -0.5351753, -0.3144727, -0.0408844, -0.033273, -0.4029574, -0.3828331, -0.1265495,
    ]);
  });

  it('repeats key/value heads with repeat_interleave when enable_gqa is set', () => {
    const out = attention(values([1, 4, 2, 4], 4), values([1, 2, 3, 4], 5), values([1, 2, 3, 4], 6), null, 0, false, null, true);
    expect(out.shape).toEqual([1, 4, 2, 4]);
    // F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    expectClose(out, [
      -0.2291822, 0.9802837, 0.1213282, -0.7291821, 0.6654361, -0.1648963, 0.9565341, 0.1654361, -0.1566188, 0.9192399,
      0.0829297, -0.6566188, 0.6961666, -0.1780164, 0.8978328, 0.1961666, -0.9173022, 0.574204, -0.2923021, -0.2313397,
      0.175555, -0.5493321, 0.800555, -0.1290765, -0.9408562, 0.549875, -0.3158562, -0.0717293, -0.4190964, 0.0760433,
      0.2059036, -0.2314897,
    ]);
  });

  it('applies a broadcast boolean mask (True = attend) and returns zeros for fully masked rows', () => {
    const mask = Tensor.fromArray(ScalarType.BOOL, [3, 4], Uint8Array.of(1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1));
    const out = attention(values([2, 1, 3, 4], 7), values([2, 1, 4, 4], 8), values([2, 1, 4, 2], 9), mask, 0, false, null, false);
    // m = [[T,F,T,F],[F,F,F,F],[T,T,T,T]]; F.scaled_dot_product_attention(q, k, v, attn_mask=m): row 1 is 0 (_safe_softmax)
    expectClose(out, [
      0.2147083, 0.3208793, 0, 0, 0.3047713, -0.5921109, -0.3084227, 0.1384495, 0, 0, -0.0937155, -0.1042233,
    ]);
  });

  it('adds a float mask broadcast over batch and query rows', () => {
    const mask = Tensor.fromArray(ScalarType.FLOAT, [1, 1, 4], Float32Array.of(0.5, -1, 0, 0.25));
    const out = attention(values([2, 1, 3, 4], 7), values([2, 1, 4, 4], 8), values([2, 1, 4, 2], 9), mask, 0, false, null, false);
    // F.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor([[[0.5, -1.0, 0.0, 0.25]]]))
    expectClose(out, [
      0.4884203, -0.0710915, -0.1303221, 0.9438411, 0.4290734, -0.1189581, -0.2564518, 0.2314205, 0.0743482, -0.5761179,
      -0.2201474, 0.1480003,
    ]);
  });

  it('aligns is_causal top-left, also when there are more queries than keys', () => {
    const out = attention(values([1, 1, 4, 2], 10), values([1, 1, 2, 2], 11), values([1, 1, 2, 2], 12), null, 0, true, null, false);
    // F.scaled_dot_product_attention(q, k, v, is_causal=True): row 0 sees key 0 only, so equals v[0]
    expectClose(out, [0.75, -0.375, 0.8941954, -0.2308046, 0.8297431, -0.2952569, 1.2960223, 0.1710224]);
  });

  it('uses an explicit scale together with is_causal', () => {
    const out = attention(values([1, 2, 3, 4], 13), values([1, 2, 3, 4], 14), values([1, 2, 3, 4], 15), null, 0, true, 0.3, false);
    // F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.3)
    expectClose(out, [
      -0.875, 0.875, -0.25, -1.375, -0.5453112, 0.4464045, 0.0796889, -1.0453111, -0.064909, -0.3084743, 0.560091, -0.1303889,
      0, -1.125, 0.625, -0.5, 0.5134158, -0.6115842, -0.0424405, 0.0134158, 0.6675579, 0.1273727, -0.4182697, 0.1675579,
    ]);
  });

  it('computes half inputs in float and rounds the result to half', () => {
    const half = (t: Tensor) => {
      const h = Tensor.zeros(ScalarType.HALF, t.shape);
      writeNumbers(h, t.data as Float32Array);
      return h;
    };
    const out = attention(half(values([1, 2, 3, 4], 1)), half(values([1, 2, 5, 4], 2)), half(values([1, 2, 5, 3], 3)), null, 0, false, null, false);
    expect(out.dtype).toBe(ScalarType.HALF);
    // F.scaled_dot_product_attention(q.half(), k.half(), v.half()).view(torch.int16)
    expect(Array.from(new Int16Array((out.data as Uint16Array).buffer))).toEqual([
      -21983, 13764, 13418, -18838, -19180, 11891, 14754, 11602, -18543, 13900, -21993, -18360, -19192, -22212, -22462, -18829, -18912, -20467,
    ]);
  });

  it('infers symbolic shapes and grouped heads at export time', () => {
    const builder = new GraphBuilder(registry);
    const s = sym('s');
    const q = builder.placeholder('q', GraphBuilder.tensor(ScalarType.FLOAT, [1, 8, s, 16]));
    const k = builder.placeholder('k', GraphBuilder.tensor(ScalarType.FLOAT, [1, 2, sym('s', 1, 4), 16]));
    const v = builder.placeholder('v', GraphBuilder.tensor(ScalarType.FLOAT, [1, 2, sym('s', 1, 4), 32]));
    const out = builder.opNamed('aten::scaled_dot_product_attention', [q, k, v], { enable_gqa: true });
    expect(builder.meta(out)).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [1, 8, s, 32] });
  });

  it('rejects mismatched heads, masks that do not broadcast, dropout and mask with is_causal', () => {
    const builder = new GraphBuilder(registry);
    const q = builder.placeholder('q', GraphBuilder.tensor(ScalarType.FLOAT, [1, 6, 3, 8]));
    const k = builder.placeholder('k', GraphBuilder.tensor(ScalarType.FLOAT, [1, 4, 5, 8]));
    const good = builder.placeholder('kv', GraphBuilder.tensor(ScalarType.FLOAT, [1, 6, 5, 8]));
    const mask = builder.placeholder('mask', GraphBuilder.tensor(ScalarType.BOOL, [4, 5]));
    expect(() => builder.opNamed('aten::scaled_dot_product_attention', [q, k, k], { enable_gqa: true })).toThrow(/multiple of key heads/);
    expect(() => builder.op('aten::scaled_dot_product_attention', q, k, k)).toThrow(/do not broadcast/);
    expect(() => builder.op('aten::scaled_dot_product_attention', q, good, good, mask)).toThrow(/attn_mask \[4, 5\] does not broadcast/);
    expect(() => builder.opNamed('aten::scaled_dot_product_attention', [q, good, good], { dropout_p: 0.1 })).toThrow(UnsupportedOperatorError);
    const square = builder.placeholder('square', GraphBuilder.tensor(ScalarType.BOOL, [3, 5]));
    expect(() => builder.opNamed('aten::scaled_dot_product_attention', [q, good, good, square], { is_causal: true })).toThrow(/cannot both be set/);
  });
});
