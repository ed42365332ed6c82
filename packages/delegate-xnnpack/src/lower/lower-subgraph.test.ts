import { createHash } from 'node:crypto';
import { ExportedProgram, GraphBuilder, ScalarType, Tensor, applyDelegate, coreOperators, createOperatorRegistry, loweredDelegateOf, quantizeLinears } from '@etch/core';
import { seededFloats } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { readXnnPayload } from '../format/payload.js';
import { XnnDatatype } from '../format/xnn-graph.js';
import { xnnpack } from '../xnnpack-delegate.js';

const registry = createOperatorRegistry(coreOperators());

/** x [3, 64] → linear(64 → 16) → softmax, with `weightBits`-quantized weights when given. */
function program(weightBits?: 8 | 4): ExportedProgram {
  const b = new GraphBuilder(registry);
  const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [3, 64]));
  const w = b.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [16, 64]));
  b.output([b.op('aten::_softmax', b.op('aten::linear', x, w, null), -1, false)]);
  const weights = Tensor.fromArray(ScalarType.FLOAT, [16, 64], seededFloats(16 * 64, 5));
  const fp32 = new ExportedProgram({
    graph: b.graph,
    signature: { inputs: [{ kind: 'user_input', node: x.node }, { kind: 'parameter', node: w.node, target: 'w' }], outputs: [{ kind: 'user_output' }] },
    constants: new Map([['w', { dtype: ScalarType.FLOAT, shape: [16, 64], read: () => weights }]]),
  });
  return weightBits ? quantizeLinears({ weightBits, groupSize: 32, activations: 'dynamic-per-token' }).run(fp32, { registry }) : fp32;
}

async function lowered(source: ExportedProgram, options: { exclude?: string[] } = {}) {
  const result = await applyDelegate({ forward: source }, { delegate: xnnpack(), options }, registry);
  const calls = result.methods.forward!.graph.nodes.filter((node) => loweredDelegateOf(node));
  return { result, payloads: calls.map((node) => loweredDelegateOf(node)!.payload) };
}

describe('XNNPACK lowering', () => {
  it('fp32: one partition, a fully connected layer and a softmax, the weight in named data under its sha256', async () => {
    const { result, payloads } = await lowered(program());
    expect(payloads).toHaveLength(1);
    expect(result.reports[0]!.diagnostics).toEqual([]);
    const { graph } = readXnnPayload(payloads[0]!.processed);
    expect(graph.nodes.map((node) => node.kind)).toEqual(['FullyConnected', 'Softmax']);
    const [named] = payloads[0]!.namedData!;
    expect(named!.key).toBe(createHash('sha256').update(named!.data).digest('hex'));
    expect(named!.alignment).toBe(16);
    expect(graph.constantData[1]).toEqual({ kind: 'named', key: named!.key, size: BigInt(16 * 64 * 4) });
  });

  it('8da8w: the whole pattern becomes convert (qdint8) + fully connected on a qcint8 filter with named per-channel scales', async () => {
    const { result, payloads } = await lowered(program(8));
    expect(result.methods.forward!.graph.nodes.filter((node) => node.kind === 'call')).toHaveLength(1);
    const { graph } = readXnnPayload(payloads[0]!.processed);
    expect(graph.nodes.map((node) => node.kind)).toEqual(['Convert', 'FullyConnected', 'Softmax']);
    const filter = graph.values.find((value) => value.tensor.datatype === XnnDatatype.qcint8)!;
    expect(filter.kind === 'quantized-tensor' && filter.quantization).toMatchObject({ kind: 'per-channel', channelDim: 0, numScales: 16 });
    const keys = payloads[0]!.namedData!.map((blob) => blob.key);
    expect(keys.some((key) => /^scale_[0-9a-f]{64}$/.test(key))).toBe(true);
  });

  it('8da4w: groups of 32 become a qbint4 filter with bf16 block scales', async () => {
    const { payloads } = await lowered(program(4));
    const { graph } = readXnnPayload(payloads[0]!.processed);
    const filter = graph.values.find((value) => value.tensor.datatype === XnnDatatype.qbint4)!;
    expect(filter.kind === 'quantized-tensor' && filter.quantization).toMatchObject({ kind: 'per-channel-group', groupSize: 32, numScales: 32 });
    const scales = payloads[0]!.namedData!.find((blob) => blob.key.startsWith('scale_'))!;
    expect(scales.data.length).toBe(32 * 2);
    const packed = payloads[0]!.namedData!.find((blob) => !blob.key.startsWith('scale_'))!;
    expect(packed.data.length).toBe((16 * 64) / 2);
  });

  it('leaves excluded operators to portable kernels and says why', async () => {
    const { result, payloads } = await lowered(program(), { exclude: ['aten::_softmax'] });
    const viaDefaults = await applyDelegate({ forward: program() }, { delegate: xnnpack({ exclude: ['aten::_softmax'] }) }, registry);
    expect(viaDefaults.reports[0]!.diagnostics.map((diagnostic) => diagnostic.op)).toEqual(['aten::_softmax']);
    expect(payloads).toHaveLength(1);
    expect(result.reports[0]!.diagnostics).toEqual([{ node: expect.any(String), op: 'aten::_softmax', reason: 'excluded by the delegate options' }]);
    expect(readXnnPayload(payloads[0]!.processed).graph.nodes.map((node) => node.kind)).toEqual(['FullyConnected']);
  });
});
