import { PteFormatError, ScalarType, Tensor, UnsupportedOperatorError } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { writeXnnPayload } from '../format/payload.js';
import type { XnnGraph, XnnNode, XnnValue } from '../format/xnn-graph.js';
import { xnnpackRuntime } from './xnnpack-runtime.js';

const noNamedData = { has: () => false, get: () => undefined, keys: () => [] };

function tensor(id: number, dims: number[], external?: { externalId: number; flags: number }, constantBufferIndex = 0): XnnValue {
  return {
    kind: 'tensor',
    tensor: { datatype: 1, numDims: dims.length, dims, constantBufferIndex, externalId: external?.externalId ?? 0xffffffff, flags: external?.flags ?? 0, id, dynamicQuantizationDatatype: 0 },
  };
}

function graph(nodes: XnnNode[], values: XnnValue[], numExterns: number, constantData: XnnGraph['constantData'] = [{ kind: 'named', key: '', size: 0n }]): XnnGraph {
  return { version: '0', nodes, values, numExterns, inputIds: [], outputIds: [], constantData };
}

async function run(payload: XnnGraph, inputs: Tensor[], outputShapes: number[][], constants?: Uint8Array): Promise<Tensor[]> {
  const runtime = xnnpackRuntime({ kernels: 'typescript' });
  const handle = await runtime.init(writeXnnPayload(payload, constants), [], { methodName: 'forward', namedData: noNamedData });
  const outputs = outputShapes.map((shape) => Tensor.zeros(ScalarType.FLOAT, shape));
  runtime.execute(handle, [...inputs, ...outputs]);
  runtime.destroy?.(handle);
  return outputs;
}

const floats = (shape: number[], values: number[]) => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values));

describe('xnnpackRuntime', () => {
  it('runs transpose, slice, concatenate and a fused clamp, with an inline constant', async () => {
    // x [2, 3] → transpose [3, 2] → slice rows 1..3 [2, 2] → concat with a constant [1, 2] on axis 0 → clamp [−1, 2.5].
    const constant = new Uint8Array(Float32Array.of(-5, 9).buffer);
    const payload = graph(
      [
        { kind: 'StaticTranspose', numDims: 2, perm: [1, 0], inputId: 0, outputId: 1, flags: 0, debugHandle: 0 },
        { kind: 'StaticSlice', numDims: 2, offsets: [1, 0], sizes: [2, 2], inputId: 1, outputId: 2, flags: 0, debugHandle: 1 },
        { kind: 'Concatenate2', axis: 0, input1Id: 2, input2Id: 3, input3Id: 0xffffffff, input4Id: 0xffffffff, input5Id: 0xffffffff, outputId: 4, flags: 0, debugHandle: 2, outputMinMax: { min: -1, max: 2.5 } },
      ],
      [tensor(0, [2, 3], { externalId: 0, flags: 1 }), tensor(1, [3, 2]), tensor(2, [2, 2]), tensor(3, [1, 2], undefined, 1), tensor(4, [3, 2], { externalId: 1, flags: 2 })],
      2,
      [{ kind: 'named', key: '', size: 0n }, { kind: 'inline', offset: 0n, size: 8n }],
    );
    const [out] = await run(payload, [floats([2, 3], [1, 2, 3, 4, 5, 6])], [[3, 2]], constant);
    expect(out!.shape).toEqual([3, 2]);
    expect([...(out!.data as Float32Array)]).toEqual([2, 2.5, 2.5, 2.5, -1, 2.5]);
  });

  it('broadcasts binary operands and infers one reshape dimension at run time', async () => {
    const payload = graph(
      [
        { kind: 'Multiply', input1Id: 0, input2Id: 1, outputId: 2, flags: 0, debugHandle: 0 },
        { kind: 'StaticReshape', numDims: 2, newShape: [0, 2], inputId: 2, outputId: 3, flags: 0, debugHandle: 1 },
      ],
      [tensor(0, [4, 1, 2], { externalId: 0, flags: 1 }), tensor(1, [2], { externalId: 1, flags: 1 }), tensor(2, [4, 1, 2]), tensor(3, [4, 2], { externalId: 2, flags: 2 })],
      3,
    );
    const [out] = await run(payload, [floats([3, 1, 2], [1, 2, 3, 4, 5, 6]), floats([2], [10, 100])], [[4, 2]]);
    expect(out!.shape).toEqual([3, 2]);
    expect([...(out!.data as Float32Array)]).toEqual([10, 200, 30, 400, 50, 600]);
  });

  it('names a missing named-data key', async () => {
    const payload = graph(
      [{ kind: 'Add', input1Id: 0, input2Id: 1, outputId: 2, flags: 0, debugHandle: 0 }],
      [tensor(0, [2], { externalId: 0, flags: 1 }), tensor(1, [2], undefined, 1), tensor(2, [2], { externalId: 1, flags: 2 })],
      2,
      [{ kind: 'named', key: '', size: 0n }, { kind: 'named', key: 'abc123', size: 8n }],
    );
    await expect(run(payload, [floats([2], [1, 2])], [[2]])).rejects.toThrow(PteFormatError);
    await expect(run(payload, [floats([2], [1, 2])], [[2]])).rejects.toThrow(/abc123/);
  });

  it('rejects node kinds it does not execute, naming them', async () => {
    const payload = graph([{ kind: 'ArgMaxPooling2d', paddingTop: 0, paddingRight: 0, paddingBottom: 0, paddingLeft: 0, poolingHeight: 2, poolingWidth: 2, inputId: 0, outputValueId: 1, outputIndexId: 1, flags: 0, debugHandle: 0 }], [tensor(0, [1, 2, 2, 1], { externalId: 0, flags: 1 }), tensor(1, [1, 1, 1, 1], { externalId: 1, flags: 2 })], 2);
    await expect(run(payload, [floats([1, 2, 2, 1], [1, 2, 3, 4])], [[1, 1, 1, 1]])).rejects.toThrow(UnsupportedOperatorError);
  });

  it('rejects inline constants that run past the constant region', async () => {
    const payload = graph(
      [{ kind: 'Add', input1Id: 0, input2Id: 1, outputId: 2, flags: 0, debugHandle: 0 }],
      [tensor(0, [2], { externalId: 0, flags: 1 }), tensor(1, [2], undefined, 1), tensor(2, [2], { externalId: 1, flags: 2 })],
      2,
      [{ kind: 'named', key: '', size: 0n }, { kind: 'inline', offset: 4n, size: 8n }],
    );
    await expect(run(payload, [floats([2], [1, 2])], [[2]], new Uint8Array(8))).rejects.toThrow(/exceeds the 8-byte constant region/);
  });

  it('plans per input shape: alternating and growing shapes give the same results as fresh runs', async () => {
    // x [n, 3] → × constant [3] → softmax → + x: the arena grows when a longer input arrives.
    const constant = new Uint8Array(Float32Array.of(0.5, -1, 2).buffer);
    const definition = graph(
        [
          { kind: 'Multiply', input1Id: 0, input2Id: 1, outputId: 2, flags: 0, debugHandle: 0 },
          { kind: 'Softmax', inputId: 2, outputId: 3, flags: 0, debugHandle: 1 },
          { kind: 'Add', input1Id: 3, input2Id: 0, outputId: 4, flags: 0, debugHandle: 2 },
        ],
        [tensor(0, [8, 3], { externalId: 0, flags: 1 }), tensor(1, [3], undefined, 1), tensor(2, [8, 3]), tensor(3, [8, 3]), tensor(4, [8, 3], { externalId: 1, flags: 2 })],
        2,
        [{ kind: 'named', key: '', size: 0n }, { kind: 'inline', offset: 0n, size: 12n }],
      );
    const payload = writeXnnPayload(definition, constant);
    const input = (rows: number) => floats([rows, 3], Array.from({ length: rows * 3 }, (_, i) => Math.sin(i + rows)));
    const once = async (rows: number) => {
      const fresh = xnnpackRuntime({ kernels: 'auto' });
      const freshHandle = await fresh.init(payload, [], { methodName: 'forward', namedData: noNamedData });
      const output = Tensor.zeros(ScalarType.FLOAT, [rows, 3]);
      fresh.execute(freshHandle, [input(rows), output]);
      return output.data as Float32Array;
    };
    const runtime = xnnpackRuntime({ kernels: 'auto' });
    const handle = await runtime.init(payload, [], { methodName: 'forward', namedData: noNamedData });
    for (const rows of [2, 1, 2, 8, 1, 5, 2]) {
      const output = Tensor.zeros(ScalarType.FLOAT, [rows, 3]);
      runtime.execute(handle, [input(rows), output]);
      expect([...(output.data as Float32Array)], `${rows} rows`).toEqual([...(await once(rows))]);
    }
    runtime.destroy?.(handle);
  });
});
