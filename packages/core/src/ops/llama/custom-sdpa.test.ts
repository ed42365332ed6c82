import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { customSdpaOperators } from './custom-sdpa.js';

const registry = createOperatorRegistry(customSdpaOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

/** Deterministic float32 inputs: ((i·37 + 11·seed) mod 23 − 11) / 8. */
function values(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from({ length: n }, (_, i) => (((i * 37 + seed * 11) % 23) - 11) / 8));
}

function expectClose(actual: Tensor, expected: number[], tolerance = 1e-6): void {
  expect(actual.numel).toBe(expected.length);
  const data = actual.data as Float32Array;
  expected.forEach((e, i) => expect(Math.abs(data[i]! - e), `element ${i}: ${data[i]} vs ${e}`).toBeLessThanOrEqual(tolerance));
}

// q [B=1, S=2, H=4, D=4]; caches [1, 6, H_kv=2, 4]. Expected values: upstream's reference
// (extension/llm/custom_ops/test_sdpa_with_kv_cache.py, _sdpa_with_kv_cache_ref: slice the caches
// to start_pos + seq_len, repeat_interleave the kv heads, F.scaled_dot_product_attention with the
// triu(-inf, 1) mask rows start_pos … start_pos+S) run with torch 2.13 on the same inputs.
const CAUSAL_START_3 = [
  -0.9160247, 0.5490211, -0.2910248, -0.1878729, -0.3938796, -0.0183327, 0.2311205, -0.7204973, 0.6121798, -0.5128202, 0.9798437,
  0.1121798, 0.4785194, -0.6464806, 0.4791205, -0.0214805, -0.1986385, 0.347025, -0.3687082, -0.0547714, -0.3967742, 0.4315111,
  -0.420809, -0.1138887, 0.2186458, -0.6883358, 0.7541712, -0.2813543, 0.6977845, -0.0528462, -0.2289332, 0.1977845,
];

describe('llama::custom_sdpa', () => {
  const query = () => values([1, 2, 4, 4], 1);
  const keyCache = () => values([1, 6, 2, 4], 2);
  const valueCache = () => values([1, 6, 2, 4], 3);

  it('masks causally relative to start_pos and reads only start_pos + S cache rows', () => {
    const out = run('llama::custom_sdpa', query(), keyCache(), valueCache(), 3, null, 0, true, null);
    expect(out.shape).toEqual([1, 2, 4, 4]);
    expectClose(out, CAUSAL_START_3);
  });

  it('attends to all start_pos + S rows without is_causal', () => {
    const out = run('llama::custom_sdpa', query(), keyCache(), valueCache(), 2, null, 0, false, null);
    // _sdpa_with_kv_cache_ref(q, k_cache, v_cache, start_pos=2, seq_len=2, attn_mask=None)
    expectClose(out, [
      -0.9160247, 0.5490211, -0.2910248, -0.1878729, -0.3938796, -0.0183327, 0.2311205, -0.7204973, 0.6121798, -0.5128202, 0.9798437,
      0.1121798, 0.4785194, -0.6464806, 0.4791205, -0.0214805, -0.7523919, 0.4318959, -0.1273919, -0.3624015, -0.8769317, 0.5208819,
      -0.2519316, -0.3657767, 0.2673573, -0.8576427, 0.7955409, -0.2326427, 0.858391, -0.266609, -0.3006342, 0.3583911,
    ]);
  });

  it('adds a 2-D float mask over the whole cache', () => {
    const mask = values([2, 6], 4);
    const out = run('llama::custom_sdpa', query(), keyCache(), valueCache(), 0, mask, 0, false, null);
    // F.scaled_dot_product_attention(q.transpose(1,2), full caches (kv heads repeat_interleaved), attn_mask=mask).transpose(1,2)
    expectClose(out, [
      -0.206039, 0.0955821, -0.6076346, 0.3965643, -0.1633864, -0.6009281, 0.2059956, -0.5155717, 0.2939863, -0.0814182, 0.4337274,
      -0.2060138, 0.0567726, 0.2871142, 0.0166389, -0.4432275, 0.4160747, -0.0605221, -1.0119345, 0.0817132, -0.6183412, 0.5017952,
      -0.3584673, -0.6573283, 0.2738074, -0.7123442, 0.8200875, -0.2261927, 0.2567067, 0.2283044, -0.2974257, -0.2432934,
    ]);
  });

  it('gives NaN for a fully masked row, as ExecuTorch computes 0 · (1/0)', () => {
    const mask = Tensor.fromArray(ScalarType.FLOAT, [1, 2], Float32Array.of(-Infinity, -Infinity));
    const out = run('llama::custom_sdpa', values([1, 1, 1, 2], 1), values([1, 2, 1, 2], 2), values([1, 2, 1, 2], 3), 0, mask, 0, false, null);
    expect(Array.from(out.data as Float32Array).every(Number.isNaN)).toBe(true);
  });

  it('resizes the out tensor of the out variant to the query shape', () => {
    const out = new Tensor(ScalarType.FLOAT, [0, 0, 4, 4], new ArrayBuffer(4 * 64), 0, 4 * 64);
    expect(run('llama::custom_sdpa.out', query(), keyCache(), valueCache(), 3, null, 0, true, null, out)).toBe(out);
    expect(out.shape).toEqual([1, 2, 4, 4]);
    expectClose(out, CAUSAL_START_3);
  });

  it('infers the query shape symbolically and rejects bad calls', () => {
    const builder = new GraphBuilder(registry);
    const q = builder.placeholder('q', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 8, 16]));
    const k = builder.placeholder('k', GraphBuilder.tensor(ScalarType.FLOAT, [1, 64, 2, 16]));
    const out = builder.op('llama::custom_sdpa', q, k, k, 0, null, 0, true);
    expect(builder.meta(out)).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [1, sym('s'), 8, 16] });
    const k3 = builder.placeholder('k3', GraphBuilder.tensor(ScalarType.FLOAT, [1, 64, 3, 16]));
    expect(() => builder.op('llama::custom_sdpa', q, k3, k3, 0)).toThrow(/custom_sdpa: query heads \(8\) must be a multiple of key\/value heads \(3\)/);
    const mask = builder.placeholder('m', GraphBuilder.tensor(ScalarType.FLOAT, [4, 64]));
    expect(() => builder.op('llama::custom_sdpa', q, k, k, 0, mask, 0, true)).toThrow(/cannot be set at the same time/);
    expect(() => run('llama::custom_sdpa', values([1, 2, 4, 4], 1), values([1, 6, 2, 4], 2), values([1, 6, 2, 4], 3), 5, null, 0, true, null)).toThrow(
      /start_pos 5 \+ seq_len 2 exceeds the cache length 6/,
    );
  });
});

describe('llama::sdpa_with_kv_cache', () => {
  it('writes key/value into the caches at start_pos, then attends causally', () => {
    const keyCache = Tensor.zeros(ScalarType.FLOAT, [1, 6, 2, 4]);
    const valueCache = Tensor.zeros(ScalarType.FLOAT, [1, 6, 2, 4]);
    const key = values([1, 2, 2, 4], 5);
    const value = values([1, 2, 2, 4], 6);
    const out = run('llama::sdpa_with_kv_cache', values([1, 2, 4, 4], 1), key, value, keyCache, valueCache, 2, 2, null, 0, true, null);
    expect(Array.from((keyCache.data as Float32Array).subarray(16, 32))).toEqual(Array.from(key.data as Float32Array));
    expect(Array.from((valueCache.data as Float32Array).subarray(16, 32))).toEqual(Array.from(value.data as Float32Array));
    expect(Array.from((keyCache.data as Float32Array).subarray(32))).toEqual(new Array(16).fill(0));
    // _sdpa_with_kv_cache_ref(q, k, v, zeros, zeros, triu mask rows 2..3, start_pos=2, seq_len=2)
    expectClose(out, [
      0.6694573, 0, -0.6694573, 0.3719207, 0.2218148, 0, -0.2218148, 0.1232304, -0.1036248, 0.259062, 0.0259062, -0.2072496, -0.3355432,
      0.8388579, 0.0838858, -0.6710864, 0.5897643, -0.2288524, 0.7070661, 0.2259346, 0.560357, -0.051472, -0.2686826, 0.288433, -0.265279,
      0.4846598, 0.0025563, -0.4795472, -0.453818, 0.5561973, -0.0930983, -0.7423939,
    ]);
  });
});

describe('llama::custom_quantized_sdpa', () => {
  /** int8 data ((i·29 + 7·seed) mod 61) − 30 with per-token scales 0.01 + 0.005·((r·3 + seed) mod 7) and zero points ((r·5 + seed) mod 9) − 4. */
  function quantized(shape: number[], seed: number): [Tensor, Tensor, Tensor] {
    const n = shape.reduce((a, b) => a * b, 1);
    const rows = n / shape[3]!;
    const paramShape = [...shape.slice(0, 3), 1];
    return [
      Tensor.fromArray(ScalarType.CHAR, shape, Int8Array.from({ length: n }, (_, i) => ((i * 29 + seed * 7) % 61) - 30)),
      Tensor.fromArray(ScalarType.FLOAT, paramShape, Float32Array.from({ length: rows }, (_, r) => 0.01 + 0.005 * ((r * 3 + seed) % 7))),
      Tensor.fromArray(ScalarType.CHAR, paramShape, Int8Array.from({ length: rows }, (_, r) => ((r * 5 + seed) % 9) - 4)),
    ];
  }

  // _sdpa_with_kv_cache_ref on the dequantized tensors ((x - zp) · scale), start_pos=3, seq_len=2, causal
  const expected = [
    -0.0388131, 0.1391102, -0.0932726, 0.0846506, -0.0580963, 0.107394, -0.1109972, 0.0544931, -0.0968501, -0.0437265, -0.1931991,
    -0.1400754, -0.0804643, -0.0456612, -0.176546, -0.1417429, 0.0522405, -0.1072267, 0.0011135, 0.0484005, 0.0266221, -0.1092684,
    -0.0293007, 0.1167687, -0.0418298, 0.0019592, -0.1294706, -0.0856816, -0.1183312, 0.1135744, -0.2074182, 0.0244874,
  ];

  it('dequantizes q/k/v per token and attends like custom_sdpa, into float32', () => {
    const [q, qs, qz] = quantized([1, 2, 4, 4], 1);
    const [k, ks, kz] = quantized([1, 6, 2, 4], 2);
    const [v, vs, vz] = quantized([1, 6, 2, 4], 3);
    const out = run('llama::custom_quantized_sdpa', q, k, v, 3, null, 0, true, null, qz, qs, kz, ks, vz, vs, false);
    expect(out.dtype).toBe(ScalarType.FLOAT);
    expectClose(out, expected);
  });

  it('reads the [B, H, S, D] layout when is_seq_at_dim_2 is set', () => {
    const transpose = (t: Tensor): Tensor => {
      const [b, s, h, d] = t.shape as [number, number, number, number];
      const result = Tensor.zeros(t.dtype, [b, h, s, d]);
      for (let i = 0; i < s; i++) for (let j = 0; j < h; j++) for (let e = 0; e < d; e++) result.data[(j * s + i) * d + e] = t.data[(i * h + j) * d + e]!;
      return result;
    };
    const [q, qs, qz] = quantized([1, 2, 4, 4], 1).map(transpose) as [Tensor, Tensor, Tensor];
    const [k, ks, kz] = quantized([1, 6, 2, 4], 2).map(transpose) as [Tensor, Tensor, Tensor];
    const [v, vs, vz] = quantized([1, 6, 2, 4], 3).map(transpose) as [Tensor, Tensor, Tensor];
    const out = run('llama::custom_quantized_sdpa', q, k, v, 3, null, 0, true, null, qz, qs, kz, ks, vz, vs, true);
    expect(out.shape).toEqual([1, 4, 2, 4]);
    // The output keeps the query's [B, H, S, D] layout: the same numbers as above, transposed.
    const headsFirst = out.data as Float32Array;
    const sequenceFirst: number[] = [];
    for (let s = 0; s < 2; s++) for (let h = 0; h < 4; h++) for (let d = 0; d < 4; d++) sequenceFirst.push(headsFirst[(h * 2 + s) * 4 + d]!);
    sequenceFirst.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(1e-6));
  });

  it('requires int8 tensors with quantization parameters', () => {
    const builder = new GraphBuilder(registry);
    const q = builder.placeholder('q', GraphBuilder.tensor(ScalarType.CHAR, [1, 2, 4, 4]));
    const k = builder.placeholder('k', GraphBuilder.tensor(ScalarType.CHAR, [1, 6, 2, 4]));
    expect(() => builder.op('llama::custom_quantized_sdpa', q, k, k, 0)).toThrow(/q_scales and q_zero_points must be provided/);
    const f = builder.placeholder('f', GraphBuilder.tensor(ScalarType.FLOAT, [1, 2, 4, 4]));
    expect(() => builder.op('llama::custom_quantized_sdpa', f, k, k, 0)).toThrow(/query must be CHAR, got FLOAT/);
  });
});
