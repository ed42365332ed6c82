import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { perTokenOperators } from './quantize-per-token.js';

const registry = createOperatorRegistry(perTokenOperators());
const Q = 'quantized_decomposed::';

function run(key: string, ...args: RuntimeValue[]): Tensor[] {
  const def = registry.get(`${Q}${key}`);
  return def.evaluate(new RuntimeArgs(def.schema, args)) as Tensor[];
}

// Five tokens: the upstream test rows, an all-zero row, a constant row and a row of tiny values.
const tokens = () => Tensor.fromArray(ScalarType.FLOAT, [5, 3], Float32Array.of(-0.5, 0.3, 1.2, 0.1, -0.8, 2.1, 0, 0, 0, 3, 3, 3, 1e-6, 2e-6, 0));

// torch: choose_qparams_per_token_asymmetric(tokens, torch.int8)
const TORCH_SCALES = [0.006666666828095913, 0.011372548528015614, 1.1920928955078125e-7, 0.0117647061124444, 1.1920928955078125e-7];
const TORCH_ZERO_POINTS = [-53n, -58n, 127n, -128n, -128n];
// ExecuTorch's calculate_scale_and_zero_point (float64 scale, 0.1 for an empty range, 6.1e-5 floor), hand-derived
const EXECUTORCH_SCALES = [0.006666666853661631, 0.011372548692366657, 0.1, 0.011764705882352941, Math.fround(6.1e-5)];

describe('quantized_decomposed::choose_qparams_per_token_asymmetric', () => {
  it('follows torch.ao in the functional form and ExecuTorch in the out form', () => {
    const [scales, zeroPoints] = run('choose_qparams_per_token_asymmetric', tokens(), ScalarType.CHAR);
    expect(scales!.shape).toEqual([5, 1]);
    expect(Array.from(scales!.data as Float64Array)).toEqual(TORCH_SCALES);
    expect(Array.from(zeroPoints!.data as BigInt64Array)).toEqual(TORCH_ZERO_POINTS);
    const scaleOut = new Tensor(ScalarType.DOUBLE, [1, 1], new ArrayBuffer(64), 0, 64);
    const zeroPointOut = new Tensor(ScalarType.LONG, [1, 1], new ArrayBuffer(64), 0, 64);
    const outs = run('choose_qparams_per_token_asymmetric.out', tokens(), ScalarType.CHAR, scaleOut, zeroPointOut);
    expect(outs).toEqual([scaleOut, zeroPointOut]);
    expect(scaleOut.shape).toEqual([5, 1]);
    expect(Array.from(scaleOut.data as Float64Array)).toEqual(EXECUTORCH_SCALES);
    expect(Array.from(zeroPointOut.data as BigInt64Array)).toEqual([-53n, -58n, 127n, -128n, -128n]);
  });

  it('infers [..., 1] parameter shapes symbolically', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 64]));
    const [scales, zeroPoints] = builder.call(`${Q}choose_qparams_per_token_asymmetric`, [x, ScalarType.CHAR]);
    expect(builder.meta(scales!)).toEqual({ kind: 'tensor', dtype: ScalarType.DOUBLE, shape: [1, sym('s'), 1] });
    expect(builder.meta(zeroPoints!)).toEqual({ kind: 'tensor', dtype: ScalarType.LONG, shape: [1, sym('s'), 1] });
  });
});

describe('quantized_decomposed::quantize_per_token and dequantize_per_token', () => {
  const parameters = (scales: number[], zeroPoints: bigint[]) => [
    Tensor.fromArray(ScalarType.DOUBLE, [scales.length, 1], Float64Array.from(scales)),
    Tensor.fromArray(ScalarType.LONG, [zeroPoints.length, 1], BigInt64Array.from(zeroPoints)),
  ];

  it('quantizes and dequantizes per token as PyTorch does', () => {
    const [scales, zeroPoints] = parameters(TORCH_SCALES, TORCH_ZERO_POINTS);
    const [q] = run('quantize_per_token', tokens(), scales!, zeroPoints!, -128, 127, ScalarType.CHAR);
    // torch: quantize_per_token(tokens, scales, zps, -128, 127, torch.int8)
    expect(Array.from(q!.data as Int8Array)).toEqual([-128, -8, 127, -49, -128, 127, 127, 127, 127, 127, 127, 127, -120, -111, -128]);
    const [x] = run('dequantize_per_token', q!, scales!, zeroPoints!, -128, 127, ScalarType.CHAR, ScalarType.FLOAT);
    // torch: dequantize_per_token(q, scales, zps, -128, 127, torch.int8, torch.float32)
    expect(Array.from(x!.data as Float32Array)).toEqual([
      -0.5, 0.30000001192092896, 1.2000000476837158, 0.10235293954610825, -0.7960783839225769, 2.103921413421631, 0, 0, 0, 3, 3, 3,
      9.5367431640625e-7, 2.0265579223632812e-6, 0,
    ]);
  });

  it("quantizes with ExecuTorch's float32 arithmetic in the out forms", () => {
    const [scales, zeroPoints] = parameters(EXECUTORCH_SCALES, [-53n, -58n, 127n, -128n, -128n]);
    const [q] = run('quantize_per_token.out', tokens(), scales!, zeroPoints!, -128, 127, ScalarType.CHAR, Tensor.zeros(ScalarType.CHAR, [5, 3]));
    // hand-derived from quantize_val: the tiny row falls below the 6.1e-5 scale and becomes all -128
    expect(Array.from(q!.data as Int8Array)).toEqual([-128, -8, 127, -49, -128, 127, 127, 127, 127, 127, 127, 127, -128, -128, -128]);
    const [x] = run('dequantize_per_token.out', q!, scales!, zeroPoints!, -128, 127, ScalarType.CHAR, ScalarType.FLOAT, Tensor.zeros(ScalarType.FLOAT, [5, 3]));
    expect(Array.from(x!.data as Float32Array)).toEqual([
      -0.5, 0.30000001192092896, 1.2000000476837158, 0.10235293954610825, -0.7960783839225769, 2.103921413421631, 0, 0, 0, 3, 3, 3, 0, 0, 0,
    ]);
  });

  it('adds the zero point before rounding in PyTorch (ties move) and after it in ExecuTorch', () => {
    const ties = Tensor.fromArray(ScalarType.FLOAT, [1, 4], Float32Array.of(0.5, 1.5, 2.5, -0.5));
    const [scales, zeroPoints] = parameters([1], [1n]);
    // torch: quantize_per_token(ties, [[1.0]], [[1]], ...) = round(x + 1) -> [2, 2, 4, 0]
    expect(Array.from(run('quantize_per_token', ties, scales!, zeroPoints!, -128, 127, ScalarType.CHAR)[0]!.data as Int8Array)).toEqual([2, 2, 4, 0]);
    // ExecuTorch: nearbyint(x) + 1 -> [1, 3, 3, 1]
    const out = Tensor.zeros(ScalarType.CHAR, [1, 4]);
    expect(Array.from(run('quantize_per_token.out', ties, scales!, zeroPoints!, -128, 127, ScalarType.CHAR, out)[0]!.data as Int8Array)).toEqual([1, 3, 3, 1]);
  });

  it('rejects parameter counts that do not match the tokens', () => {
    const [scales, zeroPoints] = parameters([1, 1], [0n, 0n]);
    expect(() => run('quantize_per_token', tokens(), scales!, zeroPoints!, -128, 127, ScalarType.CHAR)).toThrow(/must hold one value per token \(5\)/);
  });
});
