/**
 * Shared by the `.pte` tests: the reference vectors in ../shared/conformance, and a converter
 * from upstream's flatc JSON decode of a vector to the `PteProgram` model, so the reader can be
 * compared against an independent decoder field by field.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScalarType } from '../scalar-type.js';
import { findSharedData } from '../testing/shared-data.js';
import { parseFlatcJson, type FlatcJsonValue } from './flatc-json.js';
import {
  INSTRUCTION_TAGS,
  KERNEL_TYPE_TAGS,
  type Chain,
  type EValue,
  type ExecutionPlan,
  type Instruction,
  type PteProgram,
  type PteTensor,
} from './model.js';

/** One reference `.pte` with its flatc decode. */
export interface Vector {
  name: string;
  path: string;
  jsonPath: string;
  summaryPath: string | undefined;
}

/** Every `.pte` under conformance/upstream and conformance/upstream-llm/stories260K, or [] when the data is missing. */
export function referenceVectors(): Vector[] {
  const vectors: Vector[] = [];
  for (const relative of ['conformance/upstream', 'conformance/upstream-llm/stories260K']) {
    const directory = findSharedData(relative);
    if (!directory) continue;
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.pte')).sort()) {
      const stem = file.slice(0, -4);
      const summary = readdirSync(directory).includes(`${stem}.summary.json`) ? join(directory, `${stem}.summary.json`) : undefined;
      vectors.push({ name: file, path: join(directory, file), jsonPath: join(directory, `${stem}.json`), summaryPath: summary });
    }
  }
  return vectors;
}

/** The file's bytes, copied into a fresh 16-aligned buffer. */
export function readVector(vector: Vector): Uint8Array {
  return new Uint8Array(readFileSync(vector.path));
}

/** A flatc JSON decode from disk (see `parseFlatcJson`). */
export function readFlatcJson(path: string): Record<string, FlatcJsonValue> {
  return parseFlatcJson(readFileSync(path, 'utf8')) as Record<string, FlatcJsonValue>;
}

type Json = Record<string, FlatcJsonValue>;
const ENUMS: Record<string, Record<string, number>> = {
  scalar_type: ScalarType,
  shape_dynamism: { STATIC: 0, DYNAMIC_BOUND: 1, DYNAMIC_UNBOUND: 2 },
  location: { SEGMENT: 0, EXTERNAL: 1 },
  data_location: { INLINE: 0, SEGMENT: 1 },
  device_type: { CPU: 0, CUDA: 1 },
};

function object(value: FlatcJsonValue | undefined): Json | null {
  return value === undefined || value === null ? null : (value as Json);
}

function list(value: FlatcJsonValue | undefined): FlatcJsonValue[] {
  return (value as FlatcJsonValue[] | undefined) ?? [];
}

function int(value: FlatcJsonValue | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function enumOf(json: Json, key: string, table: string = key): number {
  const value = json[key];
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const code = ENUMS[table]![value as string];
  if (code === undefined) throw new Error(`unknown ${table} ${String(value)}`);
  return code;
}

function bytes(value: FlatcJsonValue | undefined): Uint8Array {
  return Uint8Array.from(list(value).map(Number));
}

function tensorFromJson(json: Json): PteTensor {
  const allocation = object(json.allocation_info);
  const extra = object(json.extra_tensor_info);
  return {
    scalarType: enumOf(json, 'scalar_type') as PteTensor['scalarType'],
    storageOffset: int(json.storage_offset),
    sizes: list(json.sizes).map(Number),
    dimOrder: list(json.dim_order).map(Number),
    requiresGrad: json.requires_grad === true,
    dataBufferIdx: int(json.data_buffer_idx),
    allocationInfo: allocation
      ? { memoryId: int(allocation.memory_id), memoryOffset: int(allocation.memory_offset_low) + int(allocation.memory_offset_high) * 2 ** 32 }
      : null,
    layout: int(json.layout),
    shapeDynamism: enumOf(json, 'shape_dynamism') as PteTensor['shapeDynamism'],
    extraTensorInfo: extra
      ? {
          mutableDataSegmentsIdx: int(extra.mutable_data_segments_idx),
          fullyQualifiedName: (extra.fully_qualified_name as string | undefined) ?? null,
          location: enumOf(extra, 'location') as 0 | 1,
          deviceType: enumOf(extra, 'device_type') as 0 | 1,
          deviceIndex: int(extra.device_index),
        }
      : null,
  };
}

function evalueFromJson(json: Json): EValue {
  const kind = json.val_type as EValue['kind'];
  if (!(kind in KERNEL_TYPE_TAGS)) throw new Error(`unknown val_type ${String(kind)}`);
  const value = object(json.val) ?? {};
  switch (kind) {
    case 'Null':
      return { kind };
    case 'Int':
      return { kind, value: BigInt(value.int_val === undefined ? 0 : (value.int_val as number | bigint)) };
    case 'Bool':
      return { kind, value: value.bool_val === true };
    case 'Double':
      return { kind, value: value.double_val === undefined ? 0 : Number(value.double_val) };
    case 'Tensor':
      return { kind, tensor: tensorFromJson(value) };
    case 'String':
      return { kind, value: (value.string_val as string | undefined) ?? '' };
    case 'BoolList':
      return { kind, items: list(value.items).map((item) => item === true) };
    default:
      return { kind, items: list(value.items).map(Number) };
  }
}

function instructionFromJson(json: Json): Instruction {
  const kind = json.instr_args_type as Instruction['kind'];
  if (!(kind in INSTRUCTION_TAGS)) throw new Error(`unknown instr_args_type ${String(kind)}`);
  const args = object(json.instr_args) ?? {};
  switch (kind) {
    case 'KernelCall':
      return { kind, opIndex: int(args.op_index), args: list(args.args).map(Number) };
    case 'DelegateCall':
      return { kind, delegateIndex: int(args.delegate_index), args: list(args.args).map(Number) };
    case 'MoveCall':
      return { kind, moveFrom: int(args.move_from), moveTo: int(args.move_to) };
    case 'JumpFalseCall':
      return { kind, condValueIndex: int(args.cond_value_index), destinationInstruction: int(args.destination_instruction) };
    case 'FreeCall':
      return { kind, valueIndex: int(args.value_index) };
  }
}

function chainFromJson(json: Json): Chain {
  const stacktrace = json.stacktrace as FlatcJsonValue[] | undefined;
  return {
    inputs: list(json.inputs).map(Number),
    outputs: list(json.outputs).map(Number),
    instructions: list(json.instructions).map((item) => instructionFromJson(item as Json)),
    stacktrace: stacktrace
      ? stacktrace.map((frames) =>
          list((frames as Json).items).map((frame) => {
            const entry = frame as Json;
            return {
              filename: (entry.filename as string | undefined) ?? null,
              lineno: int(entry.lineno),
              name: (entry.name as string | undefined) ?? null,
              context: (entry.context as string | undefined) ?? null,
            };
          }),
        )
      : null,
  };
}

function planFromJson(json: Json): ExecutionPlan {
  const metadata = object(json.container_meta_type);
  const devices = json.non_const_buffer_device as FlatcJsonValue[] | undefined;
  return {
    name: json.name as string,
    containerMetaType: metadata
      ? { encodedInpStr: (metadata.encoded_inp_str as string | undefined) ?? '', encodedOutStr: (metadata.encoded_out_str as string | undefined) ?? '' }
      : null,
    values: list(json.values).map((item) => evalueFromJson(item as Json)),
    inputs: list(json.inputs).map(Number),
    outputs: list(json.outputs).map(Number),
    chains: list(json.chains).map((item) => chainFromJson(item as Json)),
    operators: list(json.operators).map((item) => ({ name: (item as Json).name as string, overload: ((item as Json).overload as string | undefined) ?? '' })),
    delegates: list(json.delegates).map((item) => {
      const delegate = item as Json;
      const processed = object(delegate.processed) ?? {};
      return {
        id: delegate.id as string,
        processed: { location: enumOf(processed, 'location', 'data_location') as 0 | 1, index: int(processed.index) },
        compileSpecs: list(delegate.compile_specs).map((spec) => ({ key: ((spec as Json).key as string | undefined) ?? '', value: bytes((spec as Json).value) })),
      };
    }),
    nonConstBufferSizes: list(json.non_const_buffer_sizes).map(Number),
    nonConstBufferDevice: devices
      ? devices.map((device) => ({
          bufferIdx: int((device as Json).buffer_idx),
          deviceType: enumOf(device as Json, 'device_type') as 0 | 1,
          deviceIndex: int((device as Json).device_index),
        }))
      : null,
  };
}

/**
 * The program a flatc decode describes. Segment `data` is cut from `file` at the offsets the
 * decode lists, using the extended header found independently in the raw bytes.
 */
export function programFromFlatcJson(json: Json, file: Uint8Array): PteProgram {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const hasHeader = String.fromCharCode(...file.subarray(8, 12)) === 'eh00';
  const base = hasHeader ? Number(view.getBigUint64(24, true)) : 0;
  const subsegments = (value: FlatcJsonValue | undefined) => {
    const entry = object(value);
    return entry ? { segmentIndex: int(entry.segment_index), offsets: list(entry.offsets).map(Number) } : null;
  };
  const mutable = json.mutable_data_segments as FlatcJsonValue[] | undefined;
  const named = json.named_data as FlatcJsonValue[] | undefined;
  return {
    version: int(json.version),
    executionPlans: list(json.execution_plan).map((item) => planFromJson(item as Json)),
    constantBuffer: list(json.constant_buffer).map((item) => bytes((item as Json).storage)),
    backendDelegateData: list(json.backend_delegate_data).map((item) => bytes((item as Json).data)),
    segments: list(json.segments).map((item) => {
      const offset = int((item as Json).offset);
      const size = int((item as Json).size);
      return { offset, size, data: file.subarray(base + offset, base + offset + size) };
    }),
    constantSegment: subsegments(json.constant_segment),
    mutableDataSegments: mutable ? mutable.map((entry) => subsegments(entry)!) : null,
    namedData: named ? named.map((entry) => ({ key: (entry as Json).key as string, segmentIndex: int((entry as Json).segment_index) })) : null,
  };
}

function fingerprint(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < bytes.length; index++) hash = Math.imul(hash ^ bytes[index]!, 0x01000193);
  return `bytes(${bytes.length}:${(hash >>> 0).toString(16)})`;
}

/**
 * A string that is equal for two values exactly when they are deep-equal regardless of key order
 * (bigints, -0, NaN,
 * ±Infinity and byte arrays included), and much faster to compare than `toEqual` on
 * megabyte-sized programs.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return `${item}n`;
    if (typeof item === 'number' && (!Number.isFinite(item) || Object.is(item, -0))) return `number(${Object.is(item, -0) ? '-0' : String(item)})`;
    if (item instanceof Uint8Array) return fingerprint(item);
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
    }
    return item;
  });
}
