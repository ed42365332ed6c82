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

/** Packs tables in upstream's object-API order; each method returns the object's offset. */
class ProgramPacker {
  constructor(private readonly builder: Builder) {}

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
    this.builder.startVector(1, data.length, alignment);
    return this.builder.createByteVector(data);
  }

  private tables<T>(items: readonly T[], pack: (item: T, index: number) => number): number {
    return this.offsetVector(items.map((item, index) => pack(item, index)));
  }

  private containerMetadata(metadata: ContainerMetadata): number {
    const input = this.string(metadata.encodedInpStr);
    const output = this.string(metadata.encodedOutStr);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldOffset(0, input, 0);
    builder.addFieldOffset(1, output, 0);
    return builder.endObject();
  }

  private allocation(allocation: AllocationDetails, field: string): number {
    const offset = checkUint(allocation.memoryOffset, 53, `${field}.memoryOffset`);
    const builder = this.builder;
    builder.startObject(3);
    builder.addFieldInt32(0, checkUint(allocation.memoryId, 32, `${field}.memoryId`), 0);
    builder.addFieldInt32(1, offset % 0x1_0000_0000, 0);
    builder.addFieldInt32(2, Math.floor(offset / 0x1_0000_0000), 0);
    return builder.endObject();
  }

  private extraTensorInfo(info: ExtraTensorInfo, field: string): number {
    const name = info.fullyQualifiedName === null ? 0 : this.string(info.fullyQualifiedName);
    const builder = this.builder;
    builder.startObject(5);
    builder.addFieldInt64(0, BigInt(checkUint(info.mutableDataSegmentsIdx, 53, `${field}.mutableDataSegmentsIdx`)), 0n);
    if (name) builder.addFieldOffset(1, name, 0);
    builder.addFieldInt8(2, info.location, 0);
    builder.addFieldInt8(3, info.deviceType, 0);
    builder.addFieldInt8(4, checkInt(info.deviceIndex, 8, `${field}.deviceIndex`), 0);
    return builder.endObject();
  }

  private tensor(tensor: PteTensor, field: string): number {
    const sizes = this.int32Vector(tensor.sizes, `${field}.sizes`);
    const dimOrder = this.uint8Vector(tensor.dimOrder, `${field}.dimOrder`);
    const allocation = tensor.allocationInfo ? this.allocation(tensor.allocationInfo, `${field}.allocationInfo`) : 0;
    const extra = tensor.extraTensorInfo ? this.extraTensorInfo(tensor.extraTensorInfo, `${field}.extraTensorInfo`) : 0;
    const builder = this.builder;
    builder.startObject(10);
    builder.addFieldInt8(0, tensor.scalarType, 0);
    builder.addFieldInt32(1, checkInt(tensor.storageOffset, 32, `${field}.storageOffset`), 0);
    builder.addFieldOffset(2, sizes, 0);
    builder.addFieldOffset(3, dimOrder, 0);
    builder.addFieldInt8(4, tensor.requiresGrad ? 1 : 0, 0);
    builder.addFieldInt32(5, checkUint(tensor.dataBufferIdx, 32, `${field}.dataBufferIdx`), 0);
    if (allocation) builder.addFieldOffset(6, allocation, 0);
    builder.addFieldInt8(7, checkInt(tensor.layout, 8, `${field}.layout`), 0);
    builder.addFieldInt8(8, tensor.shapeDynamism, 0);
    if (extra) builder.addFieldOffset(9, extra, 0);
    return builder.endObject();
  }

  /** The union payload table of an EValue. */
  private kernelType(value: EValue, field: string): number {
    const builder = this.builder;
    switch (value.kind) {
      case 'Null':
        builder.startObject(0);
        return builder.endObject();
      case 'Int':
        builder.startObject(1);
        builder.addFieldInt64(0, BigInt.asIntN(64, value.value), 0n);
        return builder.endObject();
      case 'Bool':
        builder.startObject(1);
        builder.addFieldInt8(0, value.value ? 1 : 0, 0);
        return builder.endObject();
      case 'Double':
        builder.startObject(1);
        // The builder skips values equal to the default; comparing -0 against NaN instead
        // keeps its sign (upstream's serializer drops it, reading -0.0 back as 0.0).
        builder.addFieldFloat64(0, value.value, Object.is(value.value, -0) ? Number.NaN : 0);
        return builder.endObject();
      case 'Tensor':
        return this.tensor(value.tensor, field);
      case 'String': {
        const text = this.string(value.value);
        builder.startObject(1);
        builder.addFieldOffset(0, text, 0);
        return builder.endObject();
      }
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

  private listTable(items: number): number {
    const builder = this.builder;
    builder.startObject(1);
    builder.addFieldOffset(0, items, 0);
    return builder.endObject();
  }

  private evalue(value: EValue, field: string): number {
    const payload = this.kernelType(value, field);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldInt8(0, KERNEL_TYPE_TAGS[value.kind], 0);
    builder.addFieldOffset(1, payload, 0);
    return builder.endObject();
  }

  private instructionArguments(instruction: Instruction, field: string): number {
    const builder = this.builder;
    switch (instruction.kind) {
      case 'KernelCall':
      case 'DelegateCall': {
        const args = this.int32Vector(instruction.args, `${field}.args`);
        const index = instruction.kind === 'KernelCall' ? instruction.opIndex : instruction.delegateIndex;
        builder.startObject(2);
        builder.addFieldInt32(0, checkInt(index, 32, `${field}.index`), 0);
        builder.addFieldOffset(1, args, 0);
        return builder.endObject();
      }
      case 'MoveCall':
        builder.startObject(2);
        builder.addFieldInt32(0, checkInt(instruction.moveFrom, 32, `${field}.moveFrom`), 0);
        builder.addFieldInt32(1, checkInt(instruction.moveTo, 32, `${field}.moveTo`), 0);
        return builder.endObject();
      case 'JumpFalseCall':
        builder.startObject(2);
        builder.addFieldInt32(0, checkInt(instruction.condValueIndex, 32, `${field}.condValueIndex`), 0);
        builder.addFieldInt32(1, checkInt(instruction.destinationInstruction, 32, `${field}.destinationInstruction`), 0);
        return builder.endObject();
      case 'FreeCall':
        builder.startObject(1);
        builder.addFieldInt32(0, checkInt(instruction.valueIndex, 32, `${field}.valueIndex`), 0);
        return builder.endObject();
    }
  }

  private instruction(instruction: Instruction, field: string): number {
    const payload = this.instructionArguments(instruction, field);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldInt8(0, INSTRUCTION_TAGS[instruction.kind], 0);
    builder.addFieldOffset(1, payload, 0);
    return builder.endObject();
  }

  private frame(frame: Frame, field: string): number {
    const filename = frame.filename === null ? 0 : this.string(frame.filename);
    const name = frame.name === null ? 0 : this.string(frame.name);
    const context = frame.context === null ? 0 : this.string(frame.context);
    const builder = this.builder;
    builder.startObject(4);
    if (filename) builder.addFieldOffset(0, filename, 0);
    builder.addFieldInt32(1, checkInt(frame.lineno, 32, `${field}.lineno`), 0);
    if (name) builder.addFieldOffset(2, name, 0);
    if (context) builder.addFieldOffset(3, context, 0);
    return builder.endObject();
  }

  private chain(chain: Chain, field: string): number {
    const inputs = this.int32Vector(chain.inputs, `${field}.inputs`);
    const outputs = this.int32Vector(chain.outputs, `${field}.outputs`);
    const instructions = this.tables(chain.instructions, (instruction, index) => this.instruction(instruction, `${field}.instructions[${index}]`));
    const stacktrace = chain.stacktrace
      ? this.tables(chain.stacktrace, (frames, index) => {
          const items = this.tables(frames, (frame, frameIndex) => this.frame(frame, `${field}.stacktrace[${index}][${frameIndex}]`));
          return this.listTable(items);
        })
      : 0;
    const builder = this.builder;
    builder.startObject(4);
    builder.addFieldOffset(0, inputs, 0);
    builder.addFieldOffset(1, outputs, 0);
    builder.addFieldOffset(2, instructions, 0);
    if (stacktrace) builder.addFieldOffset(3, stacktrace, 0);
    return builder.endObject();
  }

  private operator(operator: Operator): number {
    const name = this.string(operator.name);
    const overload = this.string(operator.overload);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldOffset(0, name, 0);
    builder.addFieldOffset(1, overload, 0);
    return builder.endObject();
  }

  private compileSpec(spec: CompileSpec): number {
    const key = this.string(spec.key);
    const value = this.builder.createByteVector(spec.value);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldOffset(0, key, 0);
    builder.addFieldOffset(1, value, 0);
    return builder.endObject();
  }

  private delegate(delegate: BackendDelegate, field: string): number {
    const id = this.string(delegate.id);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldInt8(0, delegate.processed.location, 0);
    builder.addFieldInt32(1, checkUint(delegate.processed.index, 32, `${field}.processed.index`), 0);
    const processed = builder.endObject();
    const specs = this.tables(delegate.compileSpecs, (spec) => this.compileSpec(spec));
    builder.startObject(3);
    builder.addFieldOffset(0, id, 0);
    builder.addFieldOffset(1, processed, 0);
    builder.addFieldOffset(2, specs, 0);
    return builder.endObject();
  }

  private nonConstBufferDevice(device: NonConstBufferDevice, field: string): number {
    const builder = this.builder;
    builder.startObject(3);
    builder.addFieldInt32(0, checkInt(device.bufferIdx, 32, `${field}.bufferIdx`), 0);
    builder.addFieldInt8(1, device.deviceType, 0);
    builder.addFieldInt8(2, checkInt(device.deviceIndex, 8, `${field}.deviceIndex`), 0);
    return builder.endObject();
  }

  private executionPlan(plan: ExecutionPlan, field: string): number {
    const name = this.string(plan.name);
    const metadata = plan.containerMetaType ? this.containerMetadata(plan.containerMetaType) : 0;
    const values = this.tables(plan.values, (value, index) => this.evalue(value, `${field}.values[${index}]`));
    const inputs = this.int32Vector(plan.inputs, `${field}.inputs`);
    const outputs = this.int32Vector(plan.outputs, `${field}.outputs`);
    const chains = this.tables(plan.chains, (chain, index) => this.chain(chain, `${field}.chains[${index}]`));
    const operators = this.tables(plan.operators, (operator) => this.operator(operator));
    const delegates = this.tables(plan.delegates, (delegate, index) => this.delegate(delegate, `${field}.delegates[${index}]`));
    const bufferSizes = this.sizeVector(plan.nonConstBufferSizes, `${field}.nonConstBufferSizes`);
    const devices = plan.nonConstBufferDevice
      ? this.tables(plan.nonConstBufferDevice, (device, index) => this.nonConstBufferDevice(device, `${field}.nonConstBufferDevice[${index}]`))
      : 0;
    const builder = this.builder;
    builder.startObject(10);
    builder.addFieldOffset(0, name, 0);
    if (metadata) builder.addFieldOffset(1, metadata, 0);
    builder.addFieldOffset(2, values, 0);
    builder.addFieldOffset(3, inputs, 0);
    builder.addFieldOffset(4, outputs, 0);
    builder.addFieldOffset(5, chains, 0);
    builder.addFieldOffset(6, operators, 0);
    builder.addFieldOffset(7, delegates, 0);
    builder.addFieldOffset(8, bufferSizes, 0);
    if (devices) builder.addFieldOffset(9, devices, 0);
    return builder.endObject();
  }

  private subsegmentOffsets(entry: SubsegmentOffsets, field: string): number {
    const offsets = this.sizeVector(entry.offsets, `${field}.offsets`);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldInt32(0, checkUint(entry.segmentIndex, 32, `${field}.segmentIndex`), 0);
    builder.addFieldOffset(1, offsets, 0);
    return builder.endObject();
  }

  private byteTable(data: Uint8Array): number {
    const bytes = this.alignedBytes(data, BYTE_VECTOR_ALIGNMENT);
    const builder = this.builder;
    builder.startObject(1);
    builder.addFieldOffset(0, bytes, 0);
    return builder.endObject();
  }

  private dataSegment(offset: number, size: number): number {
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldInt64(0, BigInt(offset), 0n);
    builder.addFieldInt64(1, BigInt(size), 0n);
    return builder.endObject();
  }

  private namedData(entry: NamedData, field: string): number {
    const key = this.string(entry.key);
    const builder = this.builder;
    builder.startObject(2);
    builder.addFieldOffset(0, key, 0);
    builder.addFieldInt32(1, checkUint(entry.segmentIndex, 32, `${field}.segmentIndex`), 0);
    return builder.endObject();
  }

  /** The Program table; `segmentOffsets` are the laid-out offsets of `program.segments`. */
  program(program: PteProgram, segmentOffsets: readonly number[]): number {
    const plans = this.tables(program.executionPlans, (plan, index) => this.executionPlan(plan, `executionPlans[${index}]`));
    const constantBuffer = this.tables(program.constantBuffer, (data) => this.byteTable(data));
    const delegateData = this.tables(program.backendDelegateData, (data) => this.byteTable(data));
    const segments = this.tables(program.segments, (segment, index) => this.dataSegment(segmentOffsets[index]!, segment.data.length));
    const constantSegment = program.constantSegment ? this.subsegmentOffsets(program.constantSegment, 'constantSegment') : 0;
    const mutable = program.mutableDataSegments
      ? this.tables(program.mutableDataSegments, (entry, index) => this.subsegmentOffsets(entry, `mutableDataSegments[${index}]`))
      : 0;
    const named = program.namedData ? this.tables(program.namedData, (entry, index) => this.namedData(entry, `namedData[${index}]`)) : 0;
    const builder = this.builder;
    builder.startObject(8);
    builder.addFieldInt32(0, checkUint(program.version, 32, 'version'), 0);
    builder.addFieldOffset(1, plans, 0);
    builder.addFieldOffset(2, constantBuffer, 0);
    builder.addFieldOffset(3, delegateData, 0);
    builder.addFieldOffset(4, segments, 0);
    if (constantSegment) builder.addFieldOffset(5, constantSegment, 0);
    if (mutable) builder.addFieldOffset(6, mutable, 0);
    if (named) builder.addFieldOffset(7, named, 0);
    return builder.endObject();
  }
}

/**
 * Where each segment goes, relative to the segment base: the first at 0, each next one at the
 * first multiple of 128 after the end of the previous one (so an empty segment shares its
 * offset with the one after it).
 */
export function layoutSegments(sizes: readonly number[]): { offsets: number[]; dataSize: number } {
  const offsets: number[] = [];
  let end = 0;
  for (const size of sizes) {
    const offset = alignUp(end, SEGMENT_ALIGNMENT);
    offsets.push(offset);
    end = offset + size;
  }
  return { offsets, dataSize: end };
}

/**
 * Encodes `program` as a `.pte` file. `segments[i].offset` and `.size` are ignored and
 * recomputed from the segment data (see `layoutSegments`); everything else is written as given.
 *
 * @throws InvalidArgumentError when a field does not fit its schema type.
 */
export function writePte(program: PteProgram): Uint8Array {
  const layout = layoutSegments(program.segments.map((segment) => segment.data.length));
  const builder = new Builder(1024);
  const root = new ProgramPacker(builder).program(program, layout.offsets);
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
