// The conformance kit on dynamically quantized linears (core's 8da8w and 8da4w patterns): the
// XNNPACK delegate must take the whole pattern, and its runtime must compute what the reference
// evaluator computes for the quantized graph. XNNPACK keeps 4-bit block scales in bfloat16; the
// grouped case's weights are chosen so their scales are exact in bfloat16, which leaves only
// float32 rounding between the two.

import { type ConformanceCase, conformanceCases, describeDelegateConformance, seededFloats } from '@etch/core/testing';
import { ExportedProgram, GraphBuilder, ScalarType, Tensor, quantizeLinears } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';
import { xnnpack } from './xnnpack-delegate.js';

/**
 * A linear with 64 inputs, so 4-bit weights form two groups of 32 (XNNPACK qb4w). Every group's
 * largest magnitude is 0.9375, so its symmetric 4-bit scale is 0.9375 / 7.5 = 2^-3.
 */
const wideLinear: ConformanceCase = {
  name: 'linear-64-inputs',
  build(registry) {
    const b = new GraphBuilder(registry);
    const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, 3, 64]));
    const w = b.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [24, 64]));
    const bias = b.placeholder('b', GraphBuilder.tensor(ScalarType.FLOAT, [24]));
    b.output([b.op('aten::linear', x, w, bias)]);
    const values = seededFloats(24 * 64, 11).map((v) => v * 0.9);
    for (let group = 0; group < values.length; group += 32) values[group] = 0.9375;
    const weights = Tensor.fromArray(ScalarType.FLOAT, [24, 64], values);
    const biases = Tensor.fromArray(ScalarType.FLOAT, [24], seededFloats(24, 12));
    const program = new ExportedProgram({
      graph: b.graph,
      signature: {
        inputs: [
          { kind: 'user_input', node: x.node },
          { kind: 'parameter', node: w.node, target: 'w' },
          { kind: 'parameter', node: bias.node, target: 'b' },
        ],
        outputs: [{ kind: 'user_output' }],
      },
      constants: new Map([
        ['w', { dtype: ScalarType.FLOAT, shape: [24, 64], read: () => weights }],
        ['b', { dtype: ScalarType.FLOAT, shape: [24], read: () => biases }],
      ]),
    });
    return { program, inputs: [Tensor.fromArray(ScalarType.FLOAT, [2, 3, 64], seededFloats(2 * 3 * 64, 13))] };
  },
};

function quantized(testCase: ConformanceCase, weightBits: 8 | 4): ConformanceCase {
  return {
    name: `${testCase.name} (8da${weightBits}w)`,
    build(registry) {
      const { program, inputs } = testCase.build(registry);
      return { program: quantizeLinears({ weightBits, groupSize: 32, activations: 'dynamic-per-token' }).run(program, { registry }), inputs };
    },
  };
}

const linearCases = [...conformanceCases().filter((c) => ['linear', 'linear-bias', 'silu-gate'].includes(c.name)), wideLinear];
const outcomes = new Map<string, string>();

for (const bits of [8, 4] as const) {
  describeDelegateConformance(
    { describe, it, expect },
    {
      delegate: xnnpack(),
      runtime: xnnpackRuntime({ kernels: 'typescript' }),
      cases: linearCases.map((c) => quantized(c, bits)),
      tolerance: 1e-5,
      onOutcome: (name, outcome) => outcomes.set(name, outcome),
    },
  );
}

describe('quantized linear coverage', () => {
  it('delegates every quantized case', () => {
    expect([...outcomes.values()].every((outcome) => outcome === 'delegated')).toBe(true);
    expect(outcomes.size).toBe(linearCases.length * 2);
  });
});
