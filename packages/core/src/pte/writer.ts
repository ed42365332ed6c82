/**
 * Encodes a `PteProgram` as a `.pte` file the ExecuTorch runtime loads. The flatbuffer is built
 * with the `flatbuffers` npm Builder in exactly the order upstream's Python serializer packs its
 * object API (children of a table first, in field order, then the table's fields in declaration
 * order), so programs upstream exported with that serializer come back byte for byte. Segments
 * are laid out as upstream's `serialize_pte_binary` does: each at the next multiple of 128
 * bytes, after the flatbuffer padded to 128, with the `eh00` extended header spliced in at byte 8
 * whenever there is segment data.
 */

import { Builder } from 'flatbuffers';
import { TableBuilder, type FieldOrder, type FieldValue, type VtableSharing } from './table-builder.js';
import { InvalidArgumentError } from '../errors.js';
import { EXTENDED_HEADER_LENGTH, EXTENDED_HEADER_OFFSET, encodeExtendedHeader } from './extended-header.js';
import {
  INSTRUCTION_TAGS,
  KERNEL_TYPE_TAGS,
  type AllocationDetails,
  type BackendDelegate,
  type Chain,
  type CompileSpec,
  type ContainerMetadata,
  type EValue,
  type ExecutionPlan,
  type ExtraTensorInfo,
  type Frame,
  type Instruction,
  type NamedData,
  type NonConstBufferDevice,
  type Operator,
  type PteProgram,
  type PteTensor,
  type SubsegmentOffsets,
} from './model.js';
import { PTE_FILE_IDENTIFIER } from './reader.js';

/** Every segment starts at a multiple of this (upstream's default `segment_alignment`). */
export const SEGMENT_ALIGNMENT = 128;
/** `force_align` of `Buffer.storage` and `BackendDelegateInlineData.data`: the schema's largest alignment. */
const BYTE_VECTOR_ALIGNMENT = 16;

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function checkUint(value: number, bits: 8 | 32 | 53, field: string): number {
  const maximum = bits === 53 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > maximum) {
    throw new InvalidArgumentError(field, `${value} is not an unsigned ${bits === 53 ? '53' : bits}-bit integer`, {
      hint: 'Fix the PteProgram field before writing it.',
    });
  }
  return value;
}

function checkInt(value: number, bits: 8 | 32, field: string): number {
  const half = 2 ** (bits - 1);
  if (!Number.isInteger(value) || value < -half || value >= half) {
    throw new InvalidArgumentError(field, `${value} is not a signed ${bits}-bit integer`, { hint: 'Fix the PteProgram field before writing it.' });
  }
  return value;
}

const int8 = (slot: number, value: number): FieldValue => ({ slot, type: 'int8', value });
const int32 = (slot: number, value: number): FieldValue => ({ slot, type: 'int32', value });
const int64 = (slot: number, value: bigint): FieldValue => ({ slot, type: 'int64', value });
const float64 = (slot: number, value: number): FieldValue => ({ slot, type: 'float64', value });
const offset = (slot: number, value: number): FieldValue => ({ slot, type: 'offset', value });

/** Packs tables in upstream's object-API order; each method returns the object's offset. */
class ProgramPacker {
  private readonly builder: Builder;
  constructor(
    private readonly tables: TableBuilder,
    private readonly alignEmptyByteVectors: boolean,
  ) {
    this.builder = tables.builder;
  }

  private string(value: string): number {
    return this.builder.createString(value);
  }

  private int32Vector(values: readonly number[], field: string): number {
    const builder = this.builder;
    builder.startVector(4, values.length, 4);
    for (let index = values.length - 1; index >= 0; index--) builder.addInt32(checkInt(values[index]!, 32, field));
    return builder.endVector();
  }

  private uint8Vector(values: readonly number[], field: string): number {
    const builder = this.builder;
    builder.startVector(1, values.length, 1);
    for (let index = values.length - 1; index >= 0; index--) builder.addInt8(checkUint(values[index]!, 8, field));
    return builder.endVector();
  }

  private int64Vector(values: readonly bigint[]): number {
    const builder = this.builder;
    builder.startVector(8, values.length, 8);
    for (let index = values.length - 1; index >= 0; index--) builder.addInt64(values[index]!);
    return builder.endVector();
  }

  private float64Vector(values: readonly number[]): number {
    const builder = this.builder;
    builder.startVector(8, values.length, 8);
    for (let index = values.length - 1; index >= 0; index--) builder.addFloat64(values[index]!);
    return builder.endVector();
  }

  private sizeVector(values: readonly number[], field: string): number {
    return this.int64Vector(values.map((value) => BigInt(checkUint(value, 53, field))));
  }

  private offsetVector(offsets: readonly number[]): number {
    const builder = this.builder;
    builder.startVector(4, offsets.length, 4);
    for (let index = offsets.length - 1; index >= 0; index--) builder.addOffset(offsets[index]!);
    return builder.endVector();
  }

  /** A `[ubyte]` whose first data byte is aligned to `alignment` (the schema's force_align). */
  private alignedBytes(data: Uint8Array, alignment: number): number {
    // startVector pads so the data ends up aligned; createByteVector then adds no padding of
    // its own (its 4- and 1-byte preps are already satisfied) and copies the bytes in one go.
    if (data.length > 0 || this.alignEmptyByteVectors) this.builder.startVector(1, data.length, alignment);
    return this.builder.createByteVector(data);
  }

  private tableVector<T>(items: readonly T[], pack: (item: T, index: number) => number): number {
    return this.offsetVector(items.map((item, index) => pack(item, index)));
  }

  private containerMetadata(metadata: ContainerMetadata): number {
    const input = this.string(metadata.encodedInpStr);
    const output = this.string(metadata.encodedOutStr);
    return this.tables.table([offset(0, input), offset(1, output)]);
  }

  private allocation(allocation: AllocationDetails, field: string): number {
    const memoryOffset = checkUint(allocation.memoryOffset, 53, `${field}.memoryOffset`);
    return this.tables.table([
      int32(0, checkUint(allocation.memoryId, 32, `${field}.memoryId`)),
      int32(1, memoryOffset % 0x1_0000_0000),
      int32(2, Math.floor(memoryOffset / 0x1_0000_0000)),
    ]);
  }

  private extraTensorInfo(info: ExtraTensorInfo, field: string): number {
    const name = info.fullyQualifiedName === null ? 0 : this.string(info.fullyQualifiedName);
    return this.tables.table([
      int64(0, BigInt(checkUint(info.mutableDataSegmentsIdx, 53, `${field}.mutableDataSegmentsIdx`))),
      offset(1, name),
      int8(2, info.location),
      int8(3, info.deviceType),
      int8(4, checkInt(info.deviceIndex, 8, `${field}.deviceIndex`)),
    ]);
  }

  private tensor(tensor: PteTensor, field: string): number {
    const sizes = this.int32Vector(tensor.sizes, `${field}.sizes`);
    const dimOrder = this.uint8Vector(tensor.dimOrder, `${field}.dimOrder`);
    const allocation = tensor.allocationInfo ? this.allocation(tensor.allocationInfo, `${field}.allocationInfo`) : 0;
    const extra = tensor.extraTensorInfo ? this.extraTensorInfo(tensor.extraTensorInfo, `${field}.extraTensorInfo`) : 0;
    return this.tables.table([
      int8(0, tensor.scalarType),
      int32(1, checkInt(tensor.storageOffset, 32, `${field}.storageOffset`)),
      offset(2, sizes),
      offset(3, dimOrder),
      int8(4, tensor.requiresGrad ? 1 : 0),
      int32(5, checkUint(tensor.dataBufferIdx, 32, `${field}.dataBufferIdx`)),
      offset(6, allocation),
      int8(7, checkInt(tensor.layout, 8, `${field}.layout`)),
      int8(8, tensor.shapeDynamism),
      offset(9, extra),
    ]);
  }

  /** The union payload table of an EValue. */
  private kernelType(value: EValue, field: string): number {
    switch (value.kind) {
      case 'Null':
        return this.tables.table([]);
      case 'Int':
        return this.tables.table([int64(0, BigInt.asIntN(64, value.value))]);
      case 'Bool':
        return this.tables.table([int8(0, value.value ? 1 : 0)]);
      case 'Double':
        return this.tables.table([float64(0, value.value)]);
      case 'Tensor':
        return this.tensor(value.tensor, field);
      case 'String':
        return this.listTable(this.string(value.value));
      case 'IntList': {
        const items = this.int64Vector(value.items.map((item) => BigInt(checkUint(item, 53, `${field}.items`))));
        return this.listTable(items);
      }
      case 'DoubleList':
        return this.listTable(this.float64Vector(value.items));
      case 'BoolList':
        return this.listTable(this.uint8Vector(value.items.map((item) => (item ? 1 : 0)), `${field}.items`));
      case 'TensorList':
      case 'OptionalTensorList':
        return this.listTable(this.int32Vector(value.items, `${field}.items`));
    }
  }

  /** A table whose only field is the reference `items` (lists, String, FrameList, byte tables). */
  private listTable(items: number): number {
    return this.tables.table([offset(0, items)]);
  }

  private evalue(value: EValue, field: string): number {
    const payload = this.kernelType(value, field);
    return this.tables.table([int8(0, KERNEL_TYPE_TAGS[value.kind]), offset(1, payload)]);
  }

  private instructionArguments(instruction: Instruction, field: string): number {
    switch (instruction.kind) {
      case 'KernelCall':
      case 'DelegateCall': {
        const args = this.int32Vector(instruction.args, `${field}.args`);
        const index = instruction.kind === 'KernelCall' ? instruction.opIndex : instruction.delegateIndex;
        return this.tables.table([int32(0, checkInt(index, 32, `${field}.index`)), offset(1, args)]);
      }
      case 'MoveCall':
        return this.tables.table([int32(0, checkInt(instruction.moveFrom, 32, `${field}.moveFrom`)), int32(1, checkInt(instruction.moveTo, 32, `${field}.moveTo`))]);
      case 'JumpFalseCall':
        return this.tables.table([
          int32(0, checkInt(instruction.condValueIndex, 32, `${field}.condValueIndex`)),
          int32(1, checkInt(instruction.destinationInstruction, 32, `${field}.destinationInstruction`)),
        ]);
      case 'FreeCall':
        return this.tables.table([int32(0, checkInt(instruction.valueIndex, 32, `${field}.valueIndex`))]);
    }
  }

  private instruction(instruction: Instruction, field: string): number {
    const payload = this.instructionArguments(instruction, field);
    return this.tables.table([int8(0, INSTRUCTION_TAGS[instruction.kind]), offset(1, payload)]);
  }

  private frame(frame: Frame, field: string): number {
    const filename = frame.filename === null ? 0 : this.string(frame.filename);
    const name = frame.name === null ? 0 : this.string(frame.name);
    const context = frame.context === null ? 0 : this.string(frame.context);
    return this.tables.table([offset(0, filename), int32(1, checkInt(frame.lineno, 32, `${field}.lineno`)), offset(2, name), offset(3, context)]);
  }

  private chain(chain: Chain, field: string): number {
    const inputs = this.int32Vector(chain.inputs, `${field}.inputs`);
    const outputs = this.int32Vector(chain.outputs, `${field}.outputs`);
    const instructions = this.tableVector(chain.instructions, (instruction, index) => this.instruction(instruction, `${field}.instructions[${index}]`));
    const stacktrace = chain.stacktrace
      ? this.tableVector(chain.stacktrace, (frames, index) => {
          const items = this.tableVector(frames, (frame, frameIndex) => this.frame(frame, `${field}.stacktrace[${index}][${frameIndex}]`));
          return this.listTable(items);
        })
      : 0;
    return this.tables.table([offset(0, inputs), offset(1, outputs), offset(2, instructions), offset(3, stacktrace)]);
  }

  private operator(operator: Operator): number {
    const name = this.string(operator.name);
    const overload = this.string(operator.overload);
    return this.tables.table([offset(0, name), offset(1, overload)]);
  }

  private compileSpec(spec: CompileSpec): number {
    const key = this.string(spec.key);
    const value = this.builder.createByteVector(spec.value);
    return this.tables.table([offset(0, key), offset(1, value)]);
  }

  private delegate(delegate: BackendDelegate, field: string): number {
    const id = this.string(delegate.id);
    const processed = this.tables.table([int8(0, delegate.processed.location), int32(1, checkUint(delegate.processed.index, 32, `${field}.processed.index`))]);
    const specs = this.tableVector(delegate.compileSpecs, (spec) => this.compileSpec(spec));
    return this.tables.table([offset(0, id), offset(1, processed), offset(2, specs)]);
  }

  private nonConstBufferDevice(device: NonConstBufferDevice, field: string): number {
    return this.tables.table([
      int32(0, checkInt(device.bufferIdx, 32, `${field}.bufferIdx`)),
      int8(1, device.deviceType),
      int8(2, checkInt(device.deviceIndex, 8, `${field}.deviceIndex`)),
    ]);
  }

  private executionPlan(plan: ExecutionPlan, field: string): number {
    const name = this.string(plan.name);
    const metadata = plan.containerMetaType ? this.containerMetadata(plan.containerMetaType) : 0;
    const values = this.tableVector(plan.values, (value, index) => this.evalue(value, `${field}.values[${index}]`));
    const inputs = this.int32Vector(plan.inputs, `${field}.inputs`);
    const outputs = this.int32Vector(plan.outputs, `${field}.outputs`);
    const chains = this.tableVector(plan.chains, (chain, index) => this.chain(chain, `${field}.chains[${index}]`));
    const operators = this.tableVector(plan.operators, (operator) => this.operator(operator));
    const delegates = this.tableVector(plan.delegates, (delegate, index) => this.delegate(delegate, `${field}.delegates[${index}]`));
    const bufferSizes = this.sizeVector(plan.nonConstBufferSizes, `${field}.nonConstBufferSizes`);
    const devices = plan.nonConstBufferDevice
      ? this.tableVector(plan.nonConstBufferDevice, (device, index) => this.nonConstBufferDevice(device, `${field}.nonConstBufferDevice[${index}]`))
      : 0;
    return this.tables.table([
      offset(0, name),
      offset(1, metadata),
      offset(2, values),
      offset(3, inputs),
      offset(4, outputs),
      offset(5, chains),
      offset(6, operators),
      offset(7, delegates),
      offset(8, bufferSizes),
      offset(9, devices),
    ]);
  }

  private subsegmentOffsets(entry: SubsegmentOffsets, field: string): number {
    const offsets = this.sizeVector(entry.offsets, `${field}.offsets`);
    return this.tables.table([int32(0, checkUint(entry.segmentIndex, 32, `${field}.segmentIndex`)), offset(1, offsets)]);
  }

  private byteTable(data: Uint8Array): number {
    return this.listTable(this.alignedBytes(data, BYTE_VECTOR_ALIGNMENT));
  }

  private dataSegment(segmentOffset: number, size: number): number {
    return this.tables.table([int64(0, BigInt(segmentOffset)), int64(1, BigInt(size))]);
  }

  private namedData(entry: NamedData, field: string): number {
    const key = this.string(entry.key);
    return this.tables.table([offset(0, key), int32(1, checkUint(entry.segmentIndex, 32, `${field}.segmentIndex`))]);
  }

  /** The Program table; `segmentOffsets` are the laid-out offsets of `program.segments`. */
  program(program: PteProgram, segmentOffsets: readonly number[]): number {
    const plans = this.tableVector(program.executionPlans, (plan, index) => this.executionPlan(plan, `executionPlans[${index}]`));
    const constantBuffer = this.tableVector(program.constantBuffer, (data) => this.byteTable(data));
    const delegateData = this.tableVector(program.backendDelegateData, (data) => this.byteTable(data));
    const segments = this.tableVector(program.segments, (segment, index) => this.dataSegment(segmentOffsets[index]!, segment.data.length));
    const constantSegment = program.constantSegment ? this.subsegmentOffsets(program.constantSegment, 'constantSegment') : 0;
    const mutable = program.mutableDataSegments
      ? this.tableVector(program.mutableDataSegments, (entry, index) => this.subsegmentOffsets(entry, `mutableDataSegments[${index}]`))
      : 0;
    const named = program.namedData ? this.tableVector(program.namedData, (entry, index) => this.namedData(entry, `namedData[${index}]`)) : 0;
    return this.tables.table([
      int32(0, checkUint(program.version, 32, 'version')),
      offset(1, plans),
      offset(2, constantBuffer),
      offset(3, delegateData),
      offset(4, segments),
      offset(5, constantSegment),
      offset(6, mutable),
      offset(7, named),
    ]);
  }
}

/** Throws unless every segment and inline-payload reference points at something that exists (readPte checks the same). */
function checkReferences(program: PteProgram): void {
  const segmentCount = program.segments.length;
  const fail = (field: string, index: number, count: number, what: string): never => {
    throw new InvalidArgumentError(field, `index ${index} is out of range (${count} ${what})`, { hint: 'Add the segment or payload it refers to, or fix the index.' });
  };
  const constant = program.constantSegment;
  if (constant && constant.offsets.length > 1 && constant.segmentIndex >= segmentCount) fail('constantSegment.segmentIndex', constant.segmentIndex, segmentCount, 'segments');
  (program.mutableDataSegments ?? []).forEach((entry, index) => {
    if (entry.segmentIndex >= segmentCount) fail(`mutableDataSegments[${index}].segmentIndex`, entry.segmentIndex, segmentCount, 'segments');
  });
  (program.namedData ?? []).forEach((entry, index) => {
    if (entry.segmentIndex >= segmentCount) fail(`namedData[${index}].segmentIndex`, entry.segmentIndex, segmentCount, 'segments');
  });
  program.executionPlans.forEach((plan, planIndex) =>
    plan.delegates.forEach((delegate, delegateIndex) => {
      const inline = delegate.processed.location === 0;
      const count = inline ? program.backendDelegateData.length : segmentCount;
      if (delegate.processed.index >= count) {
        fail(`executionPlans[${planIndex}].delegates[${delegateIndex}].processed.index`, delegate.processed.index, count, inline ? 'inline payloads' : 'segments');
      }
    }),
  );
}

/**
 * Where each segment goes, relative to the segment base: the first at 0, each next one at the
 * first multiple of `alignment` (128) after the end of the previous one (so an empty segment shares its
 * offset with the one after it).
 */
export function layoutSegments(sizes: readonly number[], alignment = SEGMENT_ALIGNMENT): { offsets: number[]; dataSize: number } {
  const offsets: number[] = [];
  let end = 0;
  for (const size of sizes) {
    const offset = alignUp(end, alignment);
    offsets.push(offset);
    end = offset + size;
  }
  return { offsets, dataSize: end };
}

/**
 * How to lay out tables. The defaults reproduce upstream's current serializer (as used for the
 * stories260K exports); the other settings reproduce files made by older toolchains.
 */
export interface WritePteOptions {
  /** `by-size` for files built by `flatc` from JSON (upstream exports before 2026-03). */
  fieldOrder?: FieldOrder;
  /** `same-field-offsets` for files from Python flatbuffers runtimes that share vtables that way. */
  vtableSharing?: VtableSharing;
  /**
   * Whether an empty `Buffer.storage` / `BackendDelegateInlineData.data` is padded to its
   * `force_align` like a non-empty one (default true); false for files from 2023's flatc.
   */
  alignEmptyByteVectors?: boolean;
}

/**
 * Encodes `program` as a `.pte` file. `segments[i].offset` and `.size` are ignored and
 * recomputed from the segment data (see `layoutSegments`); everything else is written as given.
 *
 * @throws InvalidArgumentError when a field does not fit its schema type or a segment/payload
 *   index points at nothing.
 */
export function writePte(program: PteProgram, options: WritePteOptions = {}): Uint8Array {
  checkReferences(program);
  const layout = layoutSegments(program.segments.map((segment) => segment.data.length));
  const builder = new Builder(1024);
  const tables = new TableBuilder(builder, options.fieldOrder ?? 'declaration', options.vtableSharing ?? 'identical');
  const root = new ProgramPacker(tables, options.alignEmptyByteVectors ?? true).program(program, layout.offsets);
  builder.finish(root, PTE_FILE_IDENTIFIER);
  const flatbuffer = builder.asUint8Array();
  if (layout.dataSize === 0) return flatbuffer.slice();

  const headerLength = alignUp(EXTENDED_HEADER_LENGTH, BYTE_VECTOR_ALIGNMENT);
  const programSize = flatbuffer.length + headerLength;
  const segmentBaseOffset = alignUp(programSize, SEGMENT_ALIGNMENT);
  const file = new Uint8Array(segmentBaseOffset + layout.dataSize);
  file.set(flatbuffer.subarray(0, EXTENDED_HEADER_OFFSET), 0);
  file.set(encodeExtendedHeader({ programSize, segmentBaseOffset, segmentDataSize: layout.dataSize }), EXTENDED_HEADER_OFFSET);
  file.set(flatbuffer.subarray(EXTENDED_HEADER_OFFSET), EXTENDED_HEADER_OFFSET + headerLength);
  const view = new DataView(file.buffer);
  view.setUint32(0, view.getUint32(0, true) + headerLength, true);
  program.segments.forEach((segment, index) => file.set(segment.data, segmentBaseOffset + layout.offsets[index]!));
  return file;
}
