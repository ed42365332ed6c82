import { describe, expect, it } from 'vitest';
import { EtchError, PteFormatError } from '../errors.js';
import { readExtendedHeader } from './extended-header.js';
import type { PteProgram } from './model.js';
import { readPte } from './reader.js';
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
    const program = readPte(bytes, { source: vector.name });
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

  it.skipIf(vectors.length === 0)('stops when offsets make the decode cost far exceed the file size', () => {
    const bytes = readVector(vectors.find((entry) => entry.name === 'apple_add.pte')!);
    expect(() => readPte(bytes, { limits: { workBudget: 10 } })).toThrow(/far more work/);
  });
});
