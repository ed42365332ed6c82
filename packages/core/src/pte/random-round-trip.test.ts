import { describe, expect, it } from 'vitest';
import { ScalarType } from '../scalar-type.js';
import { seededRandom } from './fuzz-mutations.js';
import type { EValue, ExecutionPlan, Instruction, PteProgram, PteTensor } from './model.js';
import { readPte } from './reader.js';
import type { WritePteOptions } from './writer.js';
import { writePte } from './writer.js';
import { canonicalJson } from './vectors.test-support.js';

const SCALAR_TYPES = Object.values(ScalarType);

/** Random programs covering every field the model has, including the optional ones. */
function randomProgram(random: () => number): PteProgram {
  const integer = (maximum: number) => Math.floor(random() * (maximum + 1));
  const pick = <T>(items: readonly T[]): T => items[integer(items.length - 1)]!;
  const maybe = <T>(make: () => T): T | null => (random() < 0.5 ? make() : null);
  const list = <T>(maximum: number, make: () => T): T[] => Array.from({ length: integer(maximum) }, make);
  const text = () => pick(['', 'x', 'forward', 'aten::add', 'naïve ✓', 'a'.repeat(integer(40))]);
  const bytes = (maximum: number) => Uint8Array.from(list(maximum, () => integer(255)));
  const tensor = (): PteTensor => {
    const rank = integer(4);
    return {
      scalarType: pick(SCALAR_TYPES),
      storageOffset: 0,
      sizes: Array.from({ length: rank }, () => integer(9)),
      dimOrder: Array.from({ length: rank }, (_, index) => index),
      requiresGrad: random() < 0.2,
      dataBufferIdx: integer(3),
      allocationInfo: maybe(() => ({ memoryId: 1 + integer(2), memoryOffset: pick([0, 16, 2 ** 32 + 48, integer(1 << 20) * 16]) })),
      layout: 0,
      shapeDynamism: pick([0, 1, 2] as const),
      extraTensorInfo: maybe(() => ({
        mutableDataSegmentsIdx: integer(2),
        fullyQualifiedName: maybe(text),
        location: pick([0, 1] as const),
        deviceType: pick([0, 1] as const),
        deviceIndex: integer(255) - 128,
      })),
    };
  };
  const evalue = (): EValue => {
    switch (integer(10)) {
      case 0:
        return { kind: 'Null' };
      case 1:
        return { kind: 'Int', value: pick([0n, -1n, 9223372036854775807n, -9223372036854775808n, BigInt(integer(1000))]) };
      case 2:
        return { kind: 'Bool', value: random() < 0.5 };
      case 3:
        return { kind: 'Double', value: pick([0, -0, 1.5, -Infinity, Number.NaN, random()]) };
      case 4:
        return { kind: 'Tensor', tensor: tensor() };
      case 5:
        return { kind: 'String', value: text() };
      case 6:
        return { kind: 'IntList', items: list(4, () => integer(20)) };
      case 7:
        return { kind: 'DoubleList', items: list(4, () => random() * 100 - 50) };
      case 8:
        return { kind: 'BoolList', items: list(5, () => random() < 0.5) };
      case 9:
        return { kind: 'TensorList', items: list(4, () => integer(20)) };
      default:
        return { kind: 'OptionalTensorList', items: list(4, () => integer(21) - 1) };
    }
  };
  const instruction = (): Instruction => {
    switch (integer(4)) {
      case 0:
        return { kind: 'KernelCall', opIndex: integer(3), args: list(6, () => integer(20)) };
      case 1:
        return { kind: 'DelegateCall', delegateIndex: 0, args: list(6, () => integer(20)) };
      case 2:
        return { kind: 'MoveCall', moveFrom: integer(20), moveTo: integer(20) };
      case 3:
        return { kind: 'JumpFalseCall', condValueIndex: integer(20), destinationInstruction: integer(5) };
      default:
        return { kind: 'FreeCall', valueIndex: integer(20) };
    }
  };
  const segments = list(4, () => bytes(300)).map((data) => ({ offset: 0, size: data.length, data }));
  const backendDelegateData = list(2, () => bytes(40));
  const plan = (): ExecutionPlan => ({
    name: text(),
    containerMetaType: maybe(() => ({ encodedInpStr: text(), encodedOutStr: text() })),
    values: list(12, evalue),
    inputs: list(3, () => integer(11)),
    outputs: list(3, () => integer(11)),
    chains: list(2, () => ({
      inputs: list(2, () => integer(5)),
      outputs: list(2, () => integer(5)),
      instructions: list(6, instruction),
      stacktrace: maybe(() => list(2, () => list(2, () => ({ filename: maybe(text), lineno: integer(500), name: maybe(text), context: maybe(text) })))),
    })),
    operators: list(3, () => ({ name: text(), overload: text() })),
    delegates:
      segments.length > 0 || backendDelegateData.length > 0
        ? list(2, () => {
            const inline = segments.length === 0 || (backendDelegateData.length > 0 && random() < 0.5);
            return {
              id: pick(['XnnpackBackend', 'QnnBackend', '']),
              processed: { location: inline ? (0 as const) : (1 as const), index: integer((inline ? backendDelegateData.length : segments.length) - 1) },
              compileSpecs: list(2, () => ({ key: text(), value: bytes(10) })),
            };
          })
        : [],
    nonConstBufferSizes: [0, ...list(2, () => integer(1 << 24))],
    nonConstBufferDevice: maybe(() => list(2, () => ({ bufferIdx: integer(2), deviceType: pick([0, 1] as const), deviceIndex: integer(3) }))),
  });
  const segmentIndex = () => integer(Math.max(0, segments.length - 1));
  return {
    version: integer(2),
    executionPlans: list(3, plan),
    constantBuffer: list(3, () => bytes(20)),
    backendDelegateData,
    segments,
    constantSegment: maybe(() => ({ segmentIndex: segments.length > 0 ? segmentIndex() : 0, offsets: [0] })),
    mutableDataSegments: segments.length > 0 ? maybe(() => [{ segmentIndex: segmentIndex(), offsets: list(3, () => integer(100)) }]) : null,
    namedData: segments.length > 0 ? maybe(() => list(3, () => ({ key: text(), segmentIndex: segmentIndex() }))) : null,
  };
}

/** What the writer is documented to normalise: segment offsets and sizes come from the data. */
function expectedAfterWrite(program: PteProgram, reread: PteProgram): PteProgram {
  return { ...program, segments: program.segments.map((segment, index) => ({ ...segment, offset: reread.segments[index]!.offset, size: segment.data.length })) };
}

describe('writePte → readPte on random programs', () => {
  const layouts: WritePteOptions[] = [{}, { vtableSharing: 'same-field-offsets' }, { fieldOrder: 'by-size' }, { fieldOrder: 'by-size', alignEmptyByteVectors: false }];
  it('preserves every field of 400 random programs under every table layout', () => {
    const random = seededRandom(2024);
    for (let iteration = 0; iteration < 400; iteration++) {
      const program = randomProgram(random);
      const options = layouts[iteration % layouts.length]!;
      const bytes = writePte(program, options);
      const reread = readPte(bytes, { source: `random #${iteration}`, verifyAlignment: true });
      const expected = canonicalJson(expectedAfterWrite(program, reread));
      if (canonicalJson(reread) !== expected) expect(reread).toEqual(expectedAfterWrite(program, reread));
      expect(canonicalJson(reread)).toBe(expected);
    }
  });
});
