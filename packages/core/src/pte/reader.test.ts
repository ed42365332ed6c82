import { describe, expect, it } from 'vitest';
import { EtchError, PteFormatError } from '../errors.js';
import { readExtendedHeader } from './extended-header.js';
import type { ExecutionPlan, PteProgram } from './model.js';
import { readPte } from './reader.js';
import { writePte } from './writer.js';
import { canonicalJson, programFromFlatcJson, readFlatcJson, readVector, referenceVectors } from './vectors.test-support.js';

const vectors = referenceVectors();

/**
 * flatc prints doubles with 12 decimal places, so Double values are taken out of both
 * programs and compared to that precision; everything else must be deep-equal.
 */
function withoutDoubles(program: PteProgram): { program: PteProgram; doubles: number[] } {
  const doubles: number[] = [];
  const executionPlans = program.executionPlans.map((plan) => ({
    ...plan,
    values: plan.values.map((value) => {
      if (value.kind === 'Double') {
        doubles.push(value.value);
        return { kind: 'Double' as const, value: 0 };
      }
      if (value.kind === 'DoubleList') {
        doubles.push(...value.items);
        return { kind: 'DoubleList' as const, items: value.items.map(() => 0) };
      }
      return value;
    }),
  }));
  return { program: { ...program, executionPlans }, doubles };
}

function expectSameDouble(actual: number, expected: number): void {
  if (!Number.isFinite(expected)) {
    expect(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected))).toBe(true);
    return;
  }
  // Half a unit in the 12th decimal place, or one double ulp where that is coarser.
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(5e-13, Math.abs(expected) * Number.EPSILON));
}

describe('readPte on upstream vectors', () => {
  it.skipIf(vectors.length === 0).each(vectors.map((vector) => [vector.name, vector] as const))('%s matches the flatc decode', (_name, vector) => {
    const bytes = readVector(vector);
    const program = readPte(bytes, { source: vector.name, verifyAlignment: true });
    const expected = programFromFlatcJson(readFlatcJson(vector.jsonPath), bytes);
    const actual = withoutDoubles(program);
    const reference = withoutDoubles(expected);
    if (canonicalJson(actual.program) !== canonicalJson(reference.program)) expect(actual.program).toEqual(reference.program);
    expect(actual.doubles.length).toBe(reference.doubles.length);
    actual.doubles.forEach((value, index) => expectSameDouble(value, reference.doubles[index]!));
  });

  it.skipIf(vectors.length === 0)('returns segment data as views of the input, not copies', () => {
    const vector = vectors.find((entry) => entry.name === 'xnnpack_static.pte')!;
    const bytes = readVector(vector);
    const program = readPte(bytes);
    const header = readExtendedHeader(bytes)!;
    expect(header).toEqual({ headerLength: 32, programSize: 50144, segmentBaseOffset: 50176, segmentDataSize: 1228544 });
    for (const segment of program.segments) {
      expect(segment.data.buffer).toBe(bytes.buffer);
      expect(segment.data.byteOffset).toBe(header.segmentBaseOffset + segment.offset);
    }
  });

  it.skipIf(vectors.length === 0)('reads the deprecated constant_buffer of old files', () => {
    const vector = vectors.find((entry) => entry.name === 'ModuleLinear-no-constant-segment.pte')!;
    const program = readPte(readVector(vector));
    expect(program.constantBuffer.map((buffer) => buffer.length)).toEqual([0, 16, 16]);
    expect(program.segments).toEqual([]);
    expect(readExtendedHeader(readVector(vector))).toBeNull();
  });
});

describe('readPte on malformed input', () => {
  it('rejects a file without the ET12 identifier and names the source', () => {
    const bytes = new Uint8Array(64);
    bytes.set([0x45, 0x54, 0x31, 0x31], 4);
    const error = (() => {
      try {
        readPte(bytes, { source: 'model.pte' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PteFormatError);
    expect(EtchError.isInstance(error)).toBe(true);
    expect((error as PteFormatError).field).toBe('file_identifier');
    expect((error as PteFormatError).offset).toBe(4);
    expect((error as PteFormatError).message).toContain('model.pte');
  });

  it('with verifyAlignment, rejects a flatbuffer shifted off its 8-byte alignment', () => {
    const plan: ExecutionPlan = {
      name: 'forward',
      containerMetaType: null,
      values: [{ kind: 'Int', value: 7n }],
      inputs: [],
      outputs: [0],
      chains: [],
      operators: [],
      delegates: [],
      nonConstBufferSizes: [0, 48],
      nonConstBufferDevice: null,
    };
    const program: PteProgram = { version: 0, executionPlans: [plan], constantBuffer: [], backendDelegateData: [], segments: [], constantSegment: null, mutableDataSegments: null, namedData: null };
    const bytes = writePte(program);
    expect(readPte(bytes, { verifyAlignment: true }).executionPlans[0]!.nonConstBufferSizes).toEqual([0, 48]);
    // Splice 4 bytes in after the identifier, as a header of the wrong length would: every
    // relative offset still works, but each 8-byte value now sits at 4 mod 8.
    const shifted = new Uint8Array(bytes.length + 4);
    shifted.set(bytes.subarray(0, 8));
    shifted.set(bytes.subarray(8), 12);
    new DataView(shifted.buffer).setUint32(0, new DataView(bytes.buffer).getUint32(0, true) + 4, true);
    expect(canonicalJson(readPte(shifted))).toBe(canonicalJson(program));
    expect(() => readPte(shifted, { verifyAlignment: true })).toThrow(/not 8-byte aligned/);
  });

  it('rejects files shorter than the identifier', () => {
    expect(() => readPte(new Uint8Array(5))).toThrow(PteFormatError);
  });

  it('rejects a root offset past the end of the file', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, 4000, true);
    bytes.set([0x45, 0x54, 0x31, 0x32], 4);
    expect(() => readPte(bytes)).toThrow(/root offset/);
  });

  it.skipIf(vectors.length === 0)('rejects an extended header whose program size exceeds the file', () => {
    const bytes = readVector(vectors.find((entry) => entry.name === 'arduino_AddModel.pte')!).slice();
    new DataView(bytes.buffer).setBigUint64(16, 1n << 40n, true);
    expect(() => readPte(bytes)).toThrow(/program_size/);
  });

  it.skipIf(vectors.length === 0)('rejects a truncated file whose segments no longer fit', () => {
    const bytes = readVector(vectors.find((entry) => entry.name === 'arduino_KeywordSpotting.pte')!);
    expect(() => readPte(bytes.subarray(0, bytes.length - 100))).toThrow(PteFormatError);
  });

  it('stops a file whose offsets all point at one large table (a decode bomb) quickly', () => {
    const plan = (name: string, values: number): ExecutionPlan => ({
      name,
      containerMetaType: null,
      values: Array.from({ length: values }, () => ({ kind: 'Null' as const })),
      inputs: [],
      outputs: [],
      chains: [],
      operators: [],
      delegates: [],
      nonConstBufferSizes: [0],
      nonConstBufferDevice: null,
    });
    const program: PteProgram = {
      version: 0,
      executionPlans: [plan('big', 3000), ...Array.from({ length: 3000 }, (_, index) => plan(`p${index}`, 0))],
      constantBuffer: [],
      backendDelegateData: [],
      segments: [],
      constantSegment: null,
      mutableDataSegments: null,
      namedData: null,
    };
    const bytes = writePte(program);
    expect(readPte(bytes).executionPlans).toHaveLength(3001);
    // Point every entry of Program.execution_plan at plan 0: 3001 × 3000 values from ~200 KB.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const root = view.getUint32(0, true);
    const vtable = root - view.getInt32(root, true);
    const field = root + view.getUint16(vtable + 6, true);
    const vector = field + view.getUint32(field, true);
    const count = view.getUint32(vector, true);
    const first = vector + 4 + view.getUint32(vector + 4, true);
    for (let index = 1; index < count; index++) view.setUint32(vector + 4 + index * 4, first - (vector + 4 + index * 4), true);
    const start = performance.now();
    expect(() => readPte(bytes)).toThrow(/far more work/);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
