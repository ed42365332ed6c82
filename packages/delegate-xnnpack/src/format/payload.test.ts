import { createHash } from 'node:crypto';
import { PteFormatError } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { loadUpstreamExport } from '../../test/upstream-payloads.js';
import { readXnnPayload, writeXnnPayload } from './payload.js';
import type { XnnGraph } from './xnn-graph.js';

const VARIANTS = ['xnnpack_static', 'xnnpack_dynamic', 'xnnpack_q8_static', 'xnnpack_q8_dynamic'];

describe('XNNPACK payload format', () => {
  for (const variant of VARIANTS) {
    const exported = loadUpstreamExport(variant);
    it.skipIf(!exported)(`${variant}: every payload round-trips through writer and reader`, () => {
      for (const bytes of exported!.payloads) {
        const payload = readXnnPayload(bytes);
        expect(payload.header).toBeDefined();
        const rewritten = readXnnPayload(writeXnnPayload(payload.graph, payload.constantData));
        expect(rewritten.graph).toEqual(payload.graph);
        expect(Buffer.from(rewritten.constantData).equals(Buffer.from(payload.constantData))).toBe(true);
      }
    });

    it.skipIf(!exported)(`${variant}: named constants are keyed by sha256 (scales: "scale_" + sha256)`, () => {
      let named = 0;
      for (const bytes of exported!.payloads) {
        const { graph } = readXnnPayload(bytes);
        // Entry 0 is reserved ("not a constant"; upstream writes it with an empty key).
        for (const entry of graph.constantData.slice(1)) {
          if (entry.kind !== 'named') continue;
          const data = exported!.namedData.get(entry.key);
          expect(data, entry.key).toBeDefined();
          expect(BigInt(data!.length)).toBe(entry.size);
          const digest = createHash('sha256').update(data!).digest('hex');
          expect(entry.key === digest || entry.key === `scale_${digest}`).toBe(true);
          named++;
        }
      }
      expect(named).toBeGreaterThan(0);
    });
  }

  it('q8 payloads use qdint8 activations and qcint8 weights with named per-channel scales', () => {
    const exported = loadUpstreamExport('xnnpack_q8_static');
    if (!exported) return;
    const graphs = exported.payloads.map((bytes) => readXnnPayload(bytes).graph);
    const quantized = graphs.flatMap((g) => g.values).filter((v) => v.kind === 'quantized-tensor');
    const kinds = new Set(quantized.map((v) => (v.kind === 'quantized-tensor' ? v.quantization.kind : '')));
    expect(kinds).toEqual(new Set(['per-token-dynamic', 'per-channel']));
    expect(graphs.flatMap((g) => g.nodes).some((n) => n.kind === 'Convert')).toBe(true);
  });

  const tiny: XnnGraph = {
    version: '',
    nodes: [{ kind: 'Add', input1Id: 0, input2Id: 1, outputId: 2, flags: 0, debugHandle: 3, outputMinMax: { min: -1, max: 1 } }],
    values: [0, 1, 2].map((id) => ({
      kind: 'tensor' as const,
      tensor: { datatype: 1, numDims: 1, dims: [4], constantBufferIndex: 0, externalId: id, flags: id < 2 ? 1 : 2, id, dynamicQuantizationDatatype: 0 },
    })),
    numExterns: 3,
    inputIds: [0, 1],
    outputIds: [2],
    constantData: [{ kind: 'inline', offset: 0n, size: 0n }],
  };

  it('rejects truncated and corrupted payloads with PteFormatError', () => {
    const bytes = writeXnnPayload(tiny);
    expect(readXnnPayload(bytes).graph).toEqual(tiny);
    for (const length of [12, 40, bytes.length - 8]) {
      expect(() => readXnnPayload(bytes.slice(0, length))).toThrow(PteFormatError);
    }
    const corrupt = bytes.slice();
    new DataView(corrupt.buffer).setUint32(32, 0x7fffff00, true);
    expect(() => readXnnPayload(corrupt)).toThrow(PteFormatError);
    const wrongIdentifier = bytes.slice();
    wrongIdentifier.set([0x58, 0x58, 0x58, 0x58], 36);
    expect(() => readXnnPayload(wrongIdentifier)).toThrow(/XN00 or XN01/);
  });

  it('fuzzed payloads never escape as anything but PteFormatError', () => {
    const bytes = writeXnnPayload(tiny);
    let seed = 12345;
    for (let trial = 0; trial < 500; trial++) {
      const mutated = bytes.slice();
      for (let k = 0; k < 4; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        mutated[32 + (seed % (mutated.length - 32))] = seed >>> 24;
      }
      try {
        readXnnPayload(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(PteFormatError);
      }
    }
  });
});
