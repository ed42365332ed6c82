import { describe, expect, it } from 'vitest';
import { Tensor } from '../../kernels/tensor.js';
import { layerNormOperators } from './layer-norm.js';
import { operatorRunner, f32 } from './operator-test-support.js';

const { run, runAll } = operatorRunner(layerNormOperators());

// Expected values computed with torch 2.13.

/** Within `ulps` float32 units in the last place of the expected value. */
function expectUlps(actual: ArrayLike<number>, expected: number[], ulps: number): void {
  expected.forEach((value, i) => {
    const ulp = Math.max(Math.abs(value) * 2 ** -23, 2 ** -149);
    expect(Math.abs(actual[i]! - value), `element ${i}: ${actual[i]} vs ${value}`).toBeLessThanOrEqual(ulps * ulp);
  });
}

describe('layer norm', () => {
  const input = () => f32([1, 2, 4, 0.5, -0.5, 3], [2, 3]);

  it('native_layer_norm returns the output, mean and rstd', () => {
    const [out, mean, rstd] = runAll('aten::native_layer_norm', input(), [3], null, null, 1e-5) as Tensor[];
    expectUlps(out!.data as Float32Array, [-1.06904137134552, -0.26726028323173523, 1.3363018035888672, -0.33968234062194824, -1.0190470218658447, 1.358729362487793], 0);
    expect(mean!.shape).toEqual([2, 1]);
    expectUlps(mean!.data as Float32Array, [2.3333332538604736, 1], 0);
    expectUlps(rstd!.data as Float32Array, [0.8017810583114624, 0.6793646812438965], 0);
  });

  it('layer_norm applies weight and bias', () => {
    const result = run('aten::layer_norm', input(), [3], f32([1, 0.5, 2]), f32([0, 0.1, -0.1]), 1e-5, true);
    expectUlps(result.data as Float32Array, [-1.06904137134552, -0.033630140125751495, 2.572603702545166, -0.33968234062194824, -0.40952351689338684, 2.6174588203430176], 0);
    expect(() => run('aten::layer_norm', input(), [2], null, null, 1e-5, true)).toThrow(/must match the trailing dims/);
  });
});
