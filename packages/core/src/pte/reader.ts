/**
 * Decodes a `.pte` file into the `PteProgram` object model. The input is untrusted: the
 * flatbuffer is walked with the bounds-checked `FlatBufferReader`, enum and union values are
 * checked against the schema, references the model resolves (segment indices) are checked, and
 * segment data is returned as zero-copy views of the input after its extent is checked.
 */

import { isScalarType } from '../scalar-type.js';
import { FlatBufferReader, type FlatBufferReaderLimits, type Table } from './flatbuffer-reader.js';
import { readExtendedHeader } from './extended-header.js';
import {
  INSTRUCTION_TAGS,
  KERNEL_TYPE_TAGS,
  type AllocationDetails,
  type BackendDelegate,
  type Chain,
  type CompileSpec,
  type ContainerMetadata,
  type DataLocation,
  type DeviceType,
  type EValue,
  type EValueKind,
  type ExecutionPlan,
  type ExtraTensorInfo,
  type Frame,
  type Instruction,
  type NamedData,
  type NonConstBufferDevice,
  type Operator,
  type PteProgram,
  type PteTensor,
  type Segment,
  type SubsegmentOffsets,
  type TensorDataLocation,
  type TensorShapeDynamism,
} from './model.js';

/** Options for `readPte`. */
export interface ReadPteOptions {
  /** File name used in error messages. */
  source?: string;
  /** Decode limits; the defaults suit any real file. */
  limits?: FlatBufferReaderLimits;
  /**
   * Also require every scalar to sit at a multiple of its size, as the FlatBuffers verifier
   * (and so ExecuTorch's InternalConsistency verification) does. Off by default: the reader
   * does not need it.
   */
  verifyAlignment?: boolean;
}

/** The identifier every ET12 program carries at bytes 4..8. */
export const PTE_FILE_IDENTIFIER = 'ET12';

const KERNEL_TYPE_BY_TAG = new Map<number, EValueKind>(Object.entries(KERNEL_TYPE_TAGS).map(([kind, tag]) => [tag, kind as EValueKind]));
const INSTRUCTION_BY_TAG = new Map<number, Instruction['kind']>(
  Object.entries(INSTRUCTION_TAGS).map(([kind, tag]) => [tag, kind as Instruction['kind']]),
);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function enumValue<T extends number>(table: Table, slot: number, name: string, maximum: number, fallback = 0): T {
  const value = table.int8(slot, name, fallback);
  if (value < 0 || value > maximum) {
    throw table.reader.error(`${table.path}.${name}`, `enum value ${value} is not in the schema (0..${maximum})`, table.position);
  }
  return value as T;
}

function readAllocation(table: Table): AllocationDetails {
  const low = table.uint32(1, 'memory_offset_low');
  const high = table.uint32(2, 'memory_offset_high');
  if (high >= 0x200000) throw table.reader.error(`${table.path}.memory_offset_high`, `offset high word ${high} makes the offset exceed 2^53`, table.position);
  return { memoryId: table.uint32(0, 'memory_id'), memoryOffset: high * 0x1_0000_0000 + low };
}

function readExtraTensorInfo(table: Table): ExtraTensorInfo {
  const index = table.uint64Number(0, 'mutable_data_segments_idx');
  return {
    mutableDataSegmentsIdx: index,
    fullyQualifiedName: table.string(1, 'fully_qualified_name'),
    location: enumValue<TensorDataLocation>(table, 2, 'location', 1),
    deviceType: enumValue<DeviceType>(table, 3, 'device_type', 1),
    deviceIndex: table.int8(4, 'device_index'),
  };
}

function readTensor(table: Table): PteTensor {
  const scalarType = table.int8(0, 'scalar_type');
  if (!isScalarType(scalarType)) {
    throw table.reader.error(`${table.path}.scalar_type`, `scalar type ${scalarType} is not in the schema`, table.position);
  }
  const allocation = table.table(6, 'allocation_info');
  const extra = table.table(9, 'extra_tensor_info');
  return {
    scalarType,
    storageOffset: table.int32(1, 'storage_offset'),
    sizes: table.int32s(2, 'sizes') ?? [],
    dimOrder: table.uint8s(3, 'dim_order') ?? [],
    requiresGrad: table.bool(4, 'requires_grad'),
    dataBufferIdx: table.uint32(5, 'data_buffer_idx'),
    allocationInfo: allocation ? readAllocation(allocation) : null,
    layout: table.int8(7, 'layout'),
    shapeDynamism: enumValue<TensorShapeDynamism>(table, 8, 'shape_dynamism', 2),
    extraTensorInfo: extra ? readExtraTensorInfo(extra) : null,
  };
}

function readEValue(table: Table): EValue {
  const tag = table.uint8(0, 'val_type');
  const kind = KERNEL_TYPE_BY_TAG.get(tag);
  if (!kind) throw table.reader.error(`${table.path}.val_type`, `union tag ${tag} is not a KernelTypes member (1..11)`, table.position);
  const value = table.table(1, 'val');
  if (kind === 'Null') return { kind };
  if (!value) throw table.reader.error(`${table.path}.val`, `${kind} value has no payload table`, table.position);
  switch (kind) {
    case 'Int':
      return { kind, value: value.int64(0, 'int_val') };
    case 'Bool':
      return { kind, value: value.bool(0, 'bool_val') };
    case 'Double':
      return { kind, value: value.float64(0, 'double_val') };
    case 'Tensor':
      return { kind, tensor: readTensor(value) };
    case 'String':
      return { kind, value: value.string(0, 'string_val') ?? '' };
    case 'IntList':
      return {
        kind,
        items: (value.int64s(0, 'items') ?? []).map((item) => {
          if (item < 0n || item > MAX_SAFE) throw table.reader.error(`${value.path}.items`, `value index ${item} is out of range`, value.position);
          return Number(item);
        }),
      };
    case 'DoubleList':
      return { kind, items: value.float64s(0, 'items') ?? [] };
    case 'BoolList':
      return { kind, items: value.bools(0, 'items') ?? [] };
    case 'TensorList':
      return { kind, items: value.int32s(0, 'items') ?? [] };
    case 'OptionalTensorList':
      return { kind, items: value.int32s(0, 'items') ?? [] };
  }
}

function readInstruction(table: Table): Instruction {
  const tag = table.uint8(0, 'instr_args_type');
  const kind = INSTRUCTION_BY_TAG.get(tag);
  if (!kind) throw table.reader.error(`${table.path}.instr_args_type`, `union tag ${tag} is not an InstructionArguments member (1..5)`, table.position);
  const argumentsTable = table.table(1, 'instr_args');
  if (!argumentsTable) throw table.reader.error(`${table.path}.instr_args`, `${kind} has no payload table`, table.position);
  switch (kind) {
    case 'KernelCall':
      return { kind, opIndex: argumentsTable.int32(0, 'op_index'), args: argumentsTable.int32s(1, 'args') ?? [] };
    case 'DelegateCall':
      return { kind, delegateIndex: argumentsTable.int32(0, 'delegate_index'), args: argumentsTable.int32s(1, 'args') ?? [] };
    case 'MoveCall':
      return { kind, moveFrom: argumentsTable.int32(0, 'move_from'), moveTo: argumentsTable.int32(1, 'move_to') };
    case 'JumpFalseCall':
      return {
        kind,
        condValueIndex: argumentsTable.int32(0, 'cond_value_index'),
        destinationInstruction: argumentsTable.int32(1, 'destination_instruction'),
      };
    case 'FreeCall':
      return { kind, valueIndex: argumentsTable.int32(0, 'value_index') };
  }
}

function readFrame(table: Table): Frame {
  return {
    filename: table.string(0, 'filename'),
    lineno: table.int32(1, 'lineno'),
    name: table.string(2, 'name'),
    context: table.string(3, 'context'),
  };
}

function readChain(table: Table): Chain {
  return {
    inputs: table.int32s(0, 'inputs') ?? [],
    outputs: table.int32s(1, 'outputs') ?? [],
    instructions: table.tables(2, 'instructions', readInstruction) ?? [],
    stacktrace: table.tables(3, 'stacktrace', (frames) => frames.tables(0, 'items', readFrame) ?? []),
  };
}

function readOperator(table: Table): Operator {
  const name = table.string(0, 'name');
  if (name === null) throw table.reader.error(`${table.path}.name`, 'operator has no name', table.position);
  return { name, overload: table.string(1, 'overload') ?? '' };
}

function readCompileSpec(table: Table): CompileSpec {
  return { key: table.string(0, 'key') ?? '', value: table.bytes(1, 'value') ?? new Uint8Array(0) };
}

function readDelegate(table: Table): BackendDelegate {
  const id = table.string(0, 'id');
  if (id === null) throw table.reader.error(`${table.path}.id`, 'delegate has no backend id', table.position);
  const processed = table.table(1, 'processed');
  if (!processed) throw table.reader.error(`${table.path}.processed`, 'delegate has no processed data reference', table.position);
  return {
    id,
    processed: { location: enumValue<DataLocation>(processed, 0, 'location', 1), index: processed.uint32(1, 'index') },
    compileSpecs: table.tables(2, 'compile_specs', readCompileSpec) ?? [],
  };
}

function readContainerMetadata(table: Table): ContainerMetadata {
  return { encodedInpStr: table.string(0, 'encoded_inp_str') ?? '', encodedOutStr: table.string(1, 'encoded_out_str') ?? '' };
}

function readNonConstBufferDevice(table: Table): NonConstBufferDevice {
  return {
    bufferIdx: table.int32(0, 'buffer_idx'),
    deviceType: enumValue<DeviceType>(table, 1, 'device_type', 1),
    deviceIndex: table.int8(2, 'device_index'),
  };
}

function readExecutionPlan(table: Table): ExecutionPlan {
  const name = table.string(0, 'name');
  if (name === null) throw table.reader.error(`${table.path}.name`, 'execution plan has no name', table.position);
  const metadata = table.table(1, 'container_meta_type');
  return {
    name,
    containerMetaType: metadata ? readContainerMetadata(metadata) : null,
    values: table.tables(2, 'values', readEValue) ?? [],
    inputs: table.int32s(3, 'inputs') ?? [],
    outputs: table.int32s(4, 'outputs') ?? [],
    chains: table.tables(5, 'chains', readChain) ?? [],
    operators: table.tables(6, 'operators', readOperator) ?? [],
    delegates: table.tables(7, 'delegates', readDelegate) ?? [],
    nonConstBufferSizes: table.sizes64(8, 'non_const_buffer_sizes') ?? [],
    nonConstBufferDevice: table.tables(9, 'non_const_buffer_device', readNonConstBufferDevice),
  };
}

function readSubsegmentOffsets(table: Table): SubsegmentOffsets {
  return { segmentIndex: table.uint32(0, 'segment_index'), offsets: table.sizes64(1, 'offsets') ?? [] };
}

function checkSegmentIndex(reader: FlatBufferReader, field: string, index: number, count: number): void {
  if (index >= count) throw reader.error(field, `segment index ${index} is out of range (${count} segments)`);
}

/**
 * Decodes a `.pte` (ET12) file. Segment `data` and inline payloads are zero-copy views of
 * `bytes`, so keep `bytes` alive and unmodified while the program is used.
 *
 * @throws PteFormatError naming `options.source`, the schema field and the byte offset when the
 *   file is malformed in any way the reader can detect.
 */
export function readPte(bytes: Uint8Array, options: ReadPteOptions = {}): PteProgram {
  const source = options.source;
  // Reports problems found before the flatbuffer's extent is known.
  const whole = new FlatBufferReader(bytes, source === undefined ? {} : { source });
  if (bytes.length < 8) throw whole.error('file_identifier', `file is ${bytes.length} bytes, too short for a program`, 0);
  const identifier = String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!);
  if (identifier !== PTE_FILE_IDENTIFIER) {
    throw whole.error('file_identifier', `file identifier is ${JSON.stringify(identifier)}, expected "${PTE_FILE_IDENTIFIER}" (not an ExecuTorch program, or an incompatible version)`, 4);
  }
  const extended = readExtendedHeader(bytes, source === undefined ? {} : { source });
  const reader = new FlatBufferReader(bytes, {
    ...(source === undefined ? {} : { source }),
    end: extended ? extended.programSize : bytes.length,
    ...(options.limits ? { limits: options.limits } : {}),
    verifyAlignment: options.verifyAlignment ?? false,
  });
  const root = reader.root('Program');
  const segmentBase = extended ? extended.segmentBaseOffset : 0;
  const segments: Segment[] =
    root.tables(4, 'segments', (table, index): Segment => {
      const offset = table.uint64Number(0, 'offset');
      const size = table.uint64Number(1, 'size');
      const start = segmentBase + offset;
      if (size > 0 && (!extended || extended.segmentBaseOffset === 0 || start + size > bytes.length)) {
        throw reader.error(`Program.segments[${index}]`, `segment [${offset}, +${size}) is not inside the file's segment data (base ${segmentBase}, file ${bytes.length} bytes)`, table.position);
      }
      return { offset, size, data: size > 0 ? bytes.subarray(start, start + size) : new Uint8Array(0) };
    }) ?? [];
  const constantSegmentTable = root.table(5, 'constant_segment');
  const constantSegment = constantSegmentTable ? readSubsegmentOffsets(constantSegmentTable) : null;
  const mutableDataSegments = root.tables(6, 'mutable_data_segments', readSubsegmentOffsets);
  const namedData = root.tables(7, 'named_data', (table): NamedData => ({ key: table.string(0, 'key') ?? '', segmentIndex: table.uint32(1, 'segment_index') }));
  const backendDelegateData = root.tables(3, 'backend_delegate_data', (table) => table.bytes(0, 'data') ?? new Uint8Array(0)) ?? [];
  const program: PteProgram = {
    version: root.uint32(0, 'version'),
    executionPlans: root.tables(1, 'execution_plan', readExecutionPlan) ?? [],
    constantBuffer: root.tables(2, 'constant_buffer', (table) => table.bytes(0, 'storage') ?? new Uint8Array(0)) ?? [],
    backendDelegateData,
    segments,
    constantSegment,
    mutableDataSegments,
    namedData,
  };
  if (constantSegment && constantSegment.offsets.length > 1) checkSegmentIndex(reader, 'Program.constant_segment.segment_index', constantSegment.segmentIndex, segments.length);
  for (const [index, entry] of (mutableDataSegments ?? []).entries()) {
    checkSegmentIndex(reader, `Program.mutable_data_segments[${index}].segment_index`, entry.segmentIndex, segments.length);
  }
  for (const [index, entry] of (namedData ?? []).entries()) {
    checkSegmentIndex(reader, `Program.named_data[${index}].segment_index`, entry.segmentIndex, segments.length);
  }
  for (const [planIndex, plan] of program.executionPlans.entries()) {
    for (const [delegateIndex, delegate] of plan.delegates.entries()) {
      const field = `Program.execution_plan[${planIndex}].delegates[${delegateIndex}].processed.index`;
      const count = delegate.processed.location === 0 ? backendDelegateData.length : segments.length;
      if (delegate.processed.index >= count) {
        const where = delegate.processed.location === 0 ? 'inline payloads' : 'segments';
        throw reader.error(field, `payload index ${delegate.processed.index} is out of range (${count} ${where})`);
      }
    }
  }
  return program;
}
