import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ScalarType } from '../scalar-type.js';
import { readExtendedHeader } from './extended-header.js';
import type { PteProgram } from './model.js';
import { readPte } from './reader.js';
import { layoutSegments, writePte, type WritePteOptions } from './writer.js';
import { canonicalJson, readVector, referenceVectors } from './vectors.test-support.js';

const vectors = referenceVectors();

/**
 * Every upstream vector comes back byte for byte, given the builder behaviour of the toolchain
 * that made it (docs/pte-format-notes.md explains each): the defaults match upstream's current
 * Python serializer as used for the stories260K exports.
 */
const BYTE_IDENTICAL: Record<string, WritePteOptions> = {
  'portable_dynamic.pte': {},
  'portable_static.pte': {},
  'xnnpack_dynamic.pte': {},
  'xnnpack_q8_dynamic.pte': {},
  'xnnpack_q8_static.pte': {},
  'xnnpack_static.pte': {},
  'qnn_stories260k_hybrid_llama.pte': { vtableSharing: 'same-field-offsets' },
  'arduino_AddModel.pte': { vtableSharing: 'same-field-offsets' },
  'arduino_HelloExecuTorch.pte': { vtableSharing: 'same-field-offsets' },
  'arduino_KeywordSpotting.pte': { vtableSharing: 'same-field-offsets' },
  'apple_add.pte': { fieldOrder: 'by-size' },
  'hist_module_linear.pte': { fieldOrder: 'by-size' },
  'ModuleLinear-no-constant-segment.pte': { fieldOrder: 'by-size' },
  'hist_module_model_2023.pte': { fieldOrder: 'by-size', alignEmptyByteVectors: false },
};

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  return true;
}

describe('writePte round trip on upstream vectors', () => {
  it.skipIf(vectors.length === 0).each(vectors.map((vector) => [vector.name, vector] as const))('%s: read → write → read preserves every field', (_name, vector) => {
    const original = readPte(readVector(vector));
    const written = writePte(original);
    const reread = readPte(written);
    if (canonicalJson(reread) !== canonicalJson(original)) expect(reread).toEqual(original);
    expect(canonicalJson(reread)).toBe(canonicalJson(original));
  });

  it.skipIf(vectors.length === 0).each(vectors.map((vector) => [vector.name, vector] as const))('%s comes back byte for byte', (name, vector) => {
    const options = BYTE_IDENTICAL[name];
    expect(options, `${name} has no entry in BYTE_IDENTICAL`).toBeDefined();
    const bytes = readVector(vector);
    expect(sameBytes(writePte(readPte(bytes), options), bytes)).toBe(true);
  });

  it.skipIf(vectors.length === 0)('only the right builder behaviour reproduces a file', () => {
    const bytes = readVector(vectors.find((vector) => vector.name === 'qnn_stories260k_hybrid_llama.pte')!);
    const program = readPte(bytes);
    expect(sameBytes(writePte(program), bytes)).toBe(false);
    expect(sameBytes(writePte(program, { fieldOrder: 'by-size', vtableSharing: 'same-field-offsets' }), bytes)).toBe(false);
  });
});

function tinyProgram(segments: Uint8Array[]): PteProgram {
  return {
    version: 0,
    executionPlans: [
      {
        name: 'forward',
        containerMetaType: { encodedInpStr: '', encodedOutStr: '' },
        values: [
          {
            kind: 'Tensor',
            tensor: {
              scalarType: ScalarType.FLOAT,
              storageOffset: 0,
              sizes: [2],
              dimOrder: [0],
              requiresGrad: false,
              dataBufferIdx: 0,
              allocationInfo: { memoryId: 1, memoryOffset: 2 ** 32 + 16 },
              layout: 0,
              shapeDynamism: 0,
              extraTensorInfo: { mutableDataSegmentsIdx: 0, fullyQualifiedName: 'cache', location: 0, deviceType: 1, deviceIndex: -1 },
            },
          },
          { kind: 'Int', value: 9223372036854775807n },
          { kind: 'Int', value: -5n },
          { kind: 'Double', value: -0 },
          { kind: 'Double', value: Number.NaN },
          { kind: 'Bool', value: true },
          { kind: 'String', value: 'naïve ✓' },
          { kind: 'IntList', items: [1, 2] },
          { kind: 'DoubleList', items: [0.5, -Infinity] },
          { kind: 'BoolList', items: [true, false, true] },
          { kind: 'TensorList', items: [0] },
          { kind: 'OptionalTensorList', items: [0, -1] },
          { kind: 'Null' },
        ],
        inputs: [0],
        outputs: [0],
        chains: [
          {
            inputs: [],
            outputs: [],
            instructions: [
              { kind: 'KernelCall', opIndex: 0, args: [0, 0] },
              { kind: 'DelegateCall', delegateIndex: 0, args: [0] },
              { kind: 'MoveCall', moveFrom: 0, moveTo: 0 },
              { kind: 'JumpFalseCall', condValueIndex: 5, destinationInstruction: 0 },
              { kind: 'FreeCall', valueIndex: 0 },
            ],
            stacktrace: [[{ filename: 'model.py', lineno: 3, name: 'forward', context: null }]],
          },
        ],
        operators: [{ name: 'aten::add', overload: 'out' }],
        delegates: [{ id: 'XnnpackBackend', processed: { location: 1, index: 1 }, compileSpecs: [{ key: 'k', value: new Uint8Array([1, 2]) }] }],
        nonConstBufferSizes: [0, 2 ** 32 + 64],
        nonConstBufferDevice: [{ bufferIdx: 1, deviceType: 1, deviceIndex: 0 }],
      },
    ],
    constantBuffer: [],
    backendDelegateData: [new Uint8Array([7, 7, 7])],
    segments: segments.map((data) => ({ offset: 0, size: data.length, data })),
    constantSegment: { segmentIndex: 0, offsets: [0] },
    mutableDataSegments: [{ segmentIndex: 0, offsets: [0, 0] }],
    namedData: [{ key: 'weights', segmentIndex: 1 }],
  };
}

describe('writePte', () => {
  it('writes every value and instruction kind, 64-bit offsets and device fields readably', () => {
    const program = tinyProgram([new Uint8Array(0), new Uint8Array([1, 2, 3])]);
    const reread = readPte(writePte(program));
    const expected = { ...program, segments: [{ offset: 0, size: 0, data: new Uint8Array(0) }, { offset: 0, size: 3, data: new Uint8Array([1, 2, 3]) }] };
    expect(canonicalJson(reread)).toBe(canonicalJson(expected));
  });

  it('lays out segments at multiples of 128 after a 128-aligned program, with the eh00 header', () => {
    const first = new Uint8Array(130).fill(1);
    const second = new Uint8Array(5).fill(2);
    const bytes = writePte(tinyProgram([first, second]));
    const header = readExtendedHeader(bytes)!;
    expect(header.headerLength).toBe(32);
    expect(header.segmentBaseOffset % 128).toBe(0);
    expect(header.segmentBaseOffset - header.programSize).toBeLessThan(128);
    expect(header.segmentDataSize).toBe(256 + 5);
    expect(bytes.length).toBe(header.segmentBaseOffset + header.segmentDataSize);
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('ET12');
    const program = readPte(bytes);
    expect(program.segments.map(({ offset, size }) => [offset, size])).toEqual([
      [0, 130],
      [256, 5],
    ]);
    expect(Array.from(bytes.subarray(header.segmentBaseOffset + 130, header.segmentBaseOffset + 256)).every((byte) => byte === 0)).toBe(true);
  });

  it('omits the extended header when no segment holds data', () => {
    const program = { ...tinyProgram([new Uint8Array(0)]), namedData: [] };
    program.executionPlans[0]!.delegates[0]!.processed = { location: 0, index: 0 };
    const bytes = writePte(program);
    expect(readExtendedHeader(bytes)).toBeNull();
    expect(readPte(bytes).segments).toEqual([{ offset: 0, size: 0, data: new Uint8Array(0) }]);
  });

  it('aligns inline delegate data and constant buffers to 16 bytes', () => {
    const program = { ...tinyProgram([]), constantBuffer: [new Uint8Array(3), new Uint8Array(5)], namedData: null, mutableDataSegments: null };
    program.executionPlans[0]!.delegates[0]!.processed = { location: 0, index: 0 };
    const bytes = writePte(program);
    const reread = readPte(bytes);
    for (const data of [...reread.constantBuffer, ...reread.backendDelegateData]) expect(data.byteOffset % 16).toBe(0);
  });

  it('rejects values that do not fit their schema type', () => {
    const program = tinyProgram([new Uint8Array(0), new Uint8Array(1)]);
    program.executionPlans[0]!.nonConstBufferSizes = [0, -1];
    expect(() => writePte(program)).toThrow(InvalidArgumentError);
    program.executionPlans[0]!.nonConstBufferSizes = [0, 1.5];
    expect(() => writePte(program)).toThrow(/nonConstBufferSizes/);
  });

  it('rejects segment and payload references that point at nothing', () => {
    const named = { ...tinyProgram([new Uint8Array(1)]), namedData: [{ key: 'w', segmentIndex: 1 }] };
    named.executionPlans[0]!.delegates = [];
    expect(() => writePte(named)).toThrow(/namedData\[0\]\.segmentIndex/);
    const delegate = tinyProgram([new Uint8Array(1), new Uint8Array(1)]);
    delegate.executionPlans[0]!.delegates[0]!.processed = { location: 0, index: 3 };
    expect(() => writePte(delegate)).toThrow(InvalidArgumentError);
  });

  it('shares an offset between an empty segment and the next one', () => {
    expect(layoutSegments([0, 10, 0, 300, 1])).toEqual({ offsets: [0, 0, 128, 128, 512], dataSize: 513 });
  });
});
