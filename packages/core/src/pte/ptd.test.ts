import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PteFormatError } from '../errors.js';
import { ScalarType } from '../scalar-type.js';
import { findSharedData } from '../testing/shared-data.js';
import type { PtdFile } from './ptd-model.js';
import { readFlatTensorHeader, readPtd } from './ptd-reader.js';
import { writePtd } from './ptd-writer.js';
import { canonicalJson, readFlatcJson } from './vectors.test-support.js';

const ptdPath = findSharedData('conformance/upstream/hist_module_linear.ptd');

describe('readPtd', () => {
  it.skipIf(!ptdPath)('reads the v0.6 hist_module_linear.ptd as its flatc decode describes', () => {
    const bytes = new Uint8Array(readFileSync(ptdPath!));
    const file = readPtd(bytes, { source: 'hist_module_linear.ptd', verifyAlignment: true });
    const json = readFlatcJson(`${ptdPath}.json`);
    expect(file.schema).toBe('v0.6');
    expect(file.tensorAlignment).toBe(json.tensor_alignment);
    const tensors = json.tensors as { fully_qualified_name: string; sizes: number[]; dim_order: number[]; offset?: number }[];
    expect(file.tensors).toEqual(
      tensors.map((tensor) => ({
        fullyQualifiedName: tensor.fully_qualified_name,
        scalarType: ScalarType.FLOAT,
        sizes: tensor.sizes,
        dimOrder: tensor.dim_order,
        segmentIndex: 0,
        offset: tensor.offset ?? 0,
      })),
    );
    expect(file.segments.map(({ offset, size }) => ({ offset, size }))).toEqual([{ offset: 0, size: 64 }]);
    const header = readFlatTensorHeader(bytes);
    expect(file.segments[0]!.data.byteOffset).toBe(header.segmentBaseOffset);
    // linear.bias lives at byte 48 of the segment: three floats.
    const bias = new Float32Array(file.segments[0]!.data.slice(48, 60).buffer);
    expect(Array.from(bias).every((value) => Number.isFinite(value) && Math.abs(value) < 1)).toBe(true);
  });

  it.skipIf(!ptdPath)('round-trips the v0.6 file through writePtd, byte for byte with flatc field order and 16-byte segments', () => {
    const bytes = new Uint8Array(readFileSync(ptdPath!));
    const file = readPtd(bytes);
    expect(canonicalJson(readPtd(writePtd(file)))).toBe(canonicalJson(file));
    expect(Array.from(writePtd(file, { fieldOrder: 'by-size', segmentAlignment: 16 }))).toEqual(Array.from(bytes));
  });

  it('writes and reads the current layout with tensor layouts', () => {
    const file: PtdFile = {
      schema: 'current',
      version: 0,
      tensorAlignment: 0,
      tensors: [],
      segments: [new Uint8Array([1, 2, 3, 4]), new Uint8Array(200).fill(9)].map((data) => ({ offset: 0, size: data.length, data })),
      namedData: [
        { key: 'linear.weight', segmentIndex: 1, tensorLayout: { scalarType: ScalarType.HALF, sizes: [10, 10], dimOrder: [0, 1] } },
        { key: 'blob', segmentIndex: 0, tensorLayout: null },
      ],
    };
    const bytes = writePtd(file);
    const header = readFlatTensorHeader(bytes);
    expect(header).toMatchObject({ headerLength: 40, flatbufferOffset: 48, segmentDataSize: 328 });
    expect(header.segmentBaseOffset % 128).toBe(0);
    expect(bytes.length).toBe(header.segmentBaseOffset + 328);
    const reread = readPtd(bytes, { verifyAlignment: true });
    expect(reread.schema).toBe('current');
    expect(canonicalJson(reread)).toBe(canonicalJson({ ...file, segments: [{ offset: 0, size: 4, data: file.segments[0]!.data }, { offset: 128, size: 200, data: file.segments[1]!.data }] }));
  });

  it('rejects non-.ptd input and truncation with PteFormatError', () => {
    expect(() => readPtd(new Uint8Array(100))).toThrow(PteFormatError);
    if (ptdPath) {
      const bytes = new Uint8Array(readFileSync(ptdPath));
      expect(() => readPtd(bytes.subarray(0, 300))).toThrow(/segment/);
    }
  });
});
