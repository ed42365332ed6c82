// Fused attention against the same payload run node by node: a static KV cache as delegate
// inputs (read in place), a scale, a broadcast additive mask; masked positions hold garbage that
// must not leak into the result.

import { ScalarType, Tensor } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { writeXnnPayload } from '../format/payload.js';
import type { XnnGraph, XnnValue } from '../format/xnn-graph.js';
import { findAttentionPatterns } from './attention-pattern.js';
import { compileGraph } from './compiled-graph.js';
import { readXnnPayload } from '../format/payload.js';
import { nodePlanners } from './interpreter.js';
import { xnnpackRuntime } from './xnnpack-runtime.js';

const noNamedData = { has: () => false, get: () => undefined, keys: () => [] };
const NONE = 0xffffffff;
const [INPUT, OUTPUT] = [1, 2];

function tensor(id: number, dims: number[], external?: { externalId: number; flags: number }, constantBufferIndex = 0): XnnValue {
  return {
    kind: 'tensor',
    tensor: { datatype: 1, numDims: dims.length, dims, constantBufferIndex, externalId: external?.externalId ?? NONE, flags: external?.flags ?? 0, id, dynamicQuantizationDatatype: 0 },
  };
}

// q [2, 3, 4] · k cache [1, 2, 6, 4]ᵀ (reshaped [2, 6, 4]) · 0.5 → [1, 2, 3, 6] + mask [3, 6] → [2, 3, 6] → softmax → · v cache.
const [BATCH, ROWS, DIM, CACHE] = [2, 3, 4, 6];
const attentionGraph: XnnGraph = {
  version: '0',
  numExterns: 5,
  inputIds: [],
  outputIds: [],
  constantData: [{ kind: 'named', key: '', size: 0n }, { kind: 'inline', offset: 0n, size: 4n }],
  values: [
    tensor(0, [BATCH, ROWS, DIM], { externalId: 0, flags: INPUT }),
    tensor(1, [1, BATCH, CACHE, DIM], { externalId: 1, flags: INPUT }),
    tensor(2, [1, BATCH, CACHE, DIM], { externalId: 2, flags: INPUT }),
    tensor(3, [ROWS, CACHE], { externalId: 3, flags: INPUT }),
    tensor(4, [BATCH, CACHE, DIM]),
    tensor(5, [BATCH, CACHE, DIM]),
    tensor(6, [BATCH, ROWS, CACHE]),
    tensor(7, [1], undefined, 1),
    tensor(8, [BATCH, ROWS, CACHE]),
    tensor(9, [1, BATCH, ROWS, CACHE]),
    tensor(10, [1, BATCH, ROWS, CACHE]),
    tensor(11, [BATCH, ROWS, CACHE]),
    tensor(12, [BATCH, ROWS, CACHE]),
    tensor(13, [BATCH, ROWS, DIM], { externalId: 4, flags: OUTPUT }),
  ],
  nodes: [
    { kind: 'StaticReshape', numDims: 3, newShape: [BATCH, CACHE, DIM], inputId: 1, outputId: 4, flags: 0, debugHandle: 0 },
    { kind: 'StaticReshape', numDims: 3, newShape: [BATCH, CACHE, DIM], inputId: 2, outputId: 5, flags: 0, debugHandle: 1 },
    { kind: 'BatchMatrixMultiply', input1Id: 0, input2Id: 4, outputId: 6, flags: 1, debugHandle: 2 },
    { kind: 'Multiply', input1Id: 6, input2Id: 7, outputId: 8, flags: 0, debugHandle: 3 },
    { kind: 'StaticReshape', numDims: 4, newShape: [1, BATCH, 0, CACHE], inputId: 8, outputId: 9, flags: 0, debugHandle: 4 },
    { kind: 'Add', input1Id: 9, input2Id: 3, outputId: 10, flags: 0, debugHandle: 5 },
    { kind: 'StaticReshape', numDims: 3, newShape: [BATCH, 0, CACHE], inputId: 10, outputId: 11, flags: 0, debugHandle: 6 },
    { kind: 'Softmax', inputId: 11, outputId: 12, flags: 0, debugHandle: 7 },
    { kind: 'BatchMatrixMultiply', input1Id: 12, input2Id: 5, outputId: 13, flags: 0, debugHandle: 8 },
  ],
};
const payload = writeXnnPayload(attentionGraph, new Uint8Array(Float32Array.of(0.5).buffer));

function values(length: number, seed: number): Float32Array {
  return Float32Array.from({ length }, (_, index) => Math.sin(seed * 7.1 + index * 1.3) * 2);
}

/** Runs the payload with a mask whose rows leave positions [0, open[row]) open, filling the rest with `masked`. */
async function attend(fuseAttention: boolean, kernels: 'typescript' | 'auto', open: readonly number[], masked: number, garbage = 1e6): Promise<Float32Array> {
  const runtime = xnnpackRuntime({ kernels, fuseAttention });
  const handle = await runtime.init(payload, [], { methodName: 'forward', namedData: noNamedData });
  const keys = values(BATCH * CACHE * DIM, 2);
  const cacheValues = values(BATCH * CACHE * DIM, 3);
  const widest = Math.max(...open);
  // Positions no row attends to hold garbage, as a static cache holds stale or unwritten rows.
  for (let batch = 0; batch < BATCH; batch++) {
    for (let position = widest; position < CACHE; position++) {
      for (let d = 0; d < DIM; d++) {
        keys[(batch * CACHE + position) * DIM + d] = garbage;
        cacheValues[(batch * CACHE + position) * DIM + d] = -garbage;
      }
    }
  }
  const mask = Float32Array.from({ length: ROWS * CACHE }, (_, index) => (index % CACHE < open[Math.floor(index / CACHE)]! ? 0.25 * (index % 3) : masked));
  const output = Tensor.zeros(ScalarType.FLOAT, [BATCH, ROWS, DIM]);
  runtime.execute(handle, [
    Tensor.fromArray(ScalarType.FLOAT, [BATCH, ROWS, DIM], values(BATCH * ROWS * DIM, 1)),
    Tensor.fromArray(ScalarType.FLOAT, [1, BATCH, CACHE, DIM], keys),
    Tensor.fromArray(ScalarType.FLOAT, [1, BATCH, CACHE, DIM], cacheValues),
    Tensor.fromArray(ScalarType.FLOAT, [ROWS, CACHE], mask),
    output,
  ]);
  runtime.destroy?.(handle);
  return output.data as Float32Array;
}

describe('fused attention', () => {
  it('finds the pattern and reads both caches from the delegate arguments', () => {
    const graph = compileGraph(readXnnPayload(payload), noNamedData, new Set(nodePlanners().keys()));
    const [pattern, ...others] = findAttentionPatterns(graph).values();
    expect(others).toEqual([]);
    expect(pattern).toMatchObject({ at: 8, queryId: 0, maskId: 3, scaleId: 7, key: { id: 4, inputIndex: 1 }, value: { id: 5, inputIndex: 2 } });
    expect([...pattern!.covered].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  for (const kernels of ['typescript', 'auto'] as const) {
    it.each([
      ['a causal mask of −∞', [2, 3, 4], -Infinity],
      ['float32-lowest masking (Hugging Face)', [2, 3, 4], -3.4028234663852886e38],
      ['every position open', [6, 6, 6], -Infinity],
    ] as const)(`${kernels} kernels, %s: equals the nodes run one by one`, async (_, open, masked) => {
      const fused = await attend(true, kernels, open, masked);
      const unfused = await attend(false, kernels, open, masked);
      expect(fused.every(Number.isFinite)).toBe(true);
      for (let index = 0; index < fused.length; index++) expect(Math.abs(fused[index]! - unfused[index]!)).toBeLessThan(1e-5);
    });

    it(`${kernels} kernels: positions past the mask are never read (NaN there poisons only the node-by-node run)`, async () => {
      const fused = await attend(true, kernels, [2, 3, 4], -Infinity, Number.NaN);
      const reference = await attend(true, kernels, [2, 3, 4], -Infinity);
      expect([...fused]).toEqual([...reference]);
      expect((await attend(false, kernels, [2, 3, 4], -Infinity, Number.NaN)).some(Number.isNaN)).toBe(true);
    });

    it(`${kernels} kernels: a row with every position masked gives NaN, as the nodes do`, async () => {
      const fused = await attend(true, kernels, [0, 0, 0], -Infinity);
      const unfused = await attend(false, kernels, [0, 0, 0], -Infinity);
      expect(fused.every(Number.isNaN)).toBe(true);
      expect(unfused.every(Number.isNaN)).toBe(true);
    });
  }
});
