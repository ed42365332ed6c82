/**
 * `inspectPte`: reads a `.pte` and summarises what is in it — methods with their operators,
 * instruction counts and I/O, delegates and where their payloads sit, segments and who uses
 * them, memory arenas, named data, constant-method values, and where the file's bytes go.
 * This is what `etch inspect` prints and what the HTML report draws.
 */

import { coreOperators } from '../ops/index.js';
import { type OperatorRegistry, createOperatorRegistry } from '../ops/registry.js';
import { arenaLowerBounds } from './arena-lower-bound.js';
import { EtchError } from '../errors.js';
import { decodeTreeSpec, treeSpecLeafNames } from '../pte/container-metadata.js';
import { readExtendedHeader } from '../pte/extended-header.js';
import { operatorName, type EValue, type ExecutionPlan, type PteProgram } from '../pte/model.js';
import { readPte, type ReadPteOptions } from '../pte/reader.js';
import { elementSize, scalarTypeName, type ScalarType } from '../scalar-type.js';
import { readPayloadHeader } from './payload-header.js';
import type {
  ArenaSummary,
  ByteUsage,
  DelegateSummary,
  MethodSummary,
  PteSummary,
  SegmentRole,
  SegmentSummary,
  SummaryValue,
  ValueSummary,
} from './summary.js';

function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function intValue(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** A non-tensor EValue as JSON; IntList items are resolved to the Ints they index. */
function scalarValue(value: EValue, values: readonly EValue[]): SummaryValue {
  switch (value.kind) {
    case 'Null':
      return null;
    case 'Int':
      return intValue(value.value);
    case 'Bool':
      return value.value;
    case 'Double':
      return jsonNumber(value.value);
    case 'String':
      return value.value;
    case 'IntList':
      return value.items.map((index) => {
        const item = values[index];
        return item?.kind === 'Int' ? intValue(item.value) : null;
      });
    case 'DoubleList':
      return value.items.map(jsonNumber);
    case 'BoolList':
      return value.items;
    case 'TensorList':
    case 'OptionalTensorList':
      return value.items;
    case 'Tensor':
      return null;
  }
}

/** nbytes as the runtime computes it (negative sizes, which the runtime rejects, count as 0). */
function tensorBytes(sizes: readonly number[], scalarType: ScalarType): number {
  return sizes.reduce((total, size) => total * Math.max(0, size), 1) * elementSize(scalarType);
}

function valueSummary(plan: ExecutionPlan, index: number, name: string | undefined): ValueSummary {
  const value = plan.values[index];
  const base: ValueSummary = { valueIndex: index, type: value?.kind ?? 'missing', ...(name === undefined ? {} : { name }) };
  if (!value) return base;
  if (value.kind !== 'Tensor') return { ...base, value: scalarValue(value, plan.values) };
  const tensor = value.tensor;
  return {
    ...base,
    scalarType: tensor.scalarType,
    scalarTypeName: scalarTypeName(tensor.scalarType),
    sizes: tensor.sizes,
    dimOrder: tensor.dimOrder,
    shapeDynamism: tensor.shapeDynamism,
    dataBufferIdx: tensor.dataBufferIdx,
    allocationInfo: tensor.allocationInfo ? { ...tensor.allocationInfo } : null,
  };
}

/** Leaf names from a pytree string, or [] when it is missing, unparsable or does not match. */
function leafNames(encoded: string | undefined, count: number): string[] {
  if (!encoded) return [];
  try {
    const names = treeSpecLeafNames(decodeTreeSpec(encoded));
    return names.length === count ? names : [];
  } catch (error) {
    if (EtchError.isInstance(error)) return [];
    throw error;
  }
}

/** Whether a pytree string describes a list or tuple (a constant method returning `[2]`). */
function isSequence(encoded: string | undefined): boolean {
  try {
    const kind = encoded ? decodeTreeSpec(encoded)?.kind : undefined;
    return kind === 'list' || kind === 'tuple';
  } catch (error) {
    if (EtchError.isInstance(error)) return false;
    throw error;
  }
}

function arenas(plan: ExecutionPlan, registry: OperatorRegistry): ArenaSummary[] {
  const result: ArenaSummary[] = plan.nonConstBufferSizes.slice(1).map((size, index) => ({ memoryId: index + 1, size, tensors: [], usedBytes: 0, lowerBound: 0 }));
  const bytesOf = new Map<number, number>();
  plan.values.forEach((value, valueIndex) => {
    if (value.kind !== 'Tensor' || !value.tensor.allocationInfo) return;
    const arena = result[value.tensor.allocationInfo.memoryId - 1];
    if (!arena) return;
    const bytes = tensorBytes(value.tensor.sizes, value.tensor.scalarType);
    bytesOf.set(valueIndex, bytes);
    arena.tensors.push({ valueIndex, offset: value.tensor.allocationInfo.memoryOffset, bytes });
  });
  const bounds = arenaLowerBounds(plan, bytesOf, registry);
  for (const arena of result) {
    arena.lowerBound = bounds.get(arena.memoryId) ?? 0;
    const intervals = arena.tensors.map((tensor) => [tensor.offset, tensor.offset + tensor.bytes] as const).sort((left, right) => left[0] - right[0]);
    let covered = 0;
    let end = 0;
    for (const [start, stop] of intervals) {
      if (stop > end) {
        covered += stop - Math.max(start, end);
        end = stop;
      }
    }
    arena.usedBytes = covered;
  }
  return result;
}

function payloadMagic(payload: Uint8Array): string | null {
  if (payload.length < 8) return null;
  const magic = payload.subarray(4, 8);
  return magic.every((byte) => byte >= 0x20 && byte < 0x7f) ? String.fromCharCode(...magic) : null;
}

function methodSummary(program: PteProgram, plan: ExecutionPlan, segmentBase: number, inlineOffsets: readonly number[], registry: OperatorRegistry): MethodSummary {
  const instructionKinds: Record<string, number> = {};
  const kernelCallCounts: Record<string, number> = {};
  const delegateCalls = new Map<number, number>();
  let instructionsCount = 0;
  for (const chain of plan.chains) {
    for (const instruction of chain.instructions) {
      instructionsCount++;
      instructionKinds[instruction.kind] = (instructionKinds[instruction.kind] ?? 0) + 1;
      if (instruction.kind === 'KernelCall') {
        const operator = plan.operators[instruction.opIndex];
        const name = operator ? operatorName(operator) : `<missing operator ${instruction.opIndex}>`;
        kernelCallCounts[name] = (kernelCallCounts[name] ?? 0) + 1;
      } else if (instruction.kind === 'DelegateCall') {
        delegateCalls.set(instruction.delegateIndex, (delegateCalls.get(instruction.delegateIndex) ?? 0) + 1);
      }
    }
  }
  const delegates: DelegateSummary[] = plan.delegates.map((delegate, index) => {
    const inline = delegate.processed.location === 0;
    const payload = (inline ? program.backendDelegateData[delegate.processed.index] : program.segments[delegate.processed.index]?.data) ?? new Uint8Array(0);
    const segment = program.segments[delegate.processed.index];
    return {
      index,
      id: delegate.id,
      location: inline ? 'INLINE' : 'SEGMENT',
      dataIndex: delegate.processed.index,
      payloadSize: payload.length,
      payloadFileOffset: inline ? (inlineOffsets[delegate.processed.index] ?? 0) : segmentBase + (segment?.offset ?? 0),
      payloadMagic: payloadMagic(payload),
      payloadHeader: readPayloadHeader(payload),
      calls: delegateCalls.get(index) ?? 0,
      compileSpecs: delegate.compileSpecs.map((spec) => ({ key: spec.key, size: spec.value.length })),
    };
  });
  const metadata = plan.containerMetaType;
  const inputNames = leafNames(metadata?.encodedInpStr, plan.inputs.length);
  const outputNames = leafNames(metadata?.encodedOutStr, plan.outputs.length);
  const isConstant = instructionsCount === 0 && plan.inputs.length === 0 && plan.operators.length === 0 && plan.delegates.length === 0;
  const summary: MethodSummary = {
    name: plan.name,
    kind: isConstant ? 'constant' : 'method',
    valuesCount: plan.values.length,
    chainsCount: plan.chains.length,
    instructionsCount,
    instructionKinds,
    operators: plan.operators.map(operatorName),
    kernelCallCounts,
    inputs: plan.inputs.map((index, position) => valueSummary(plan, index, inputNames[position])),
    outputs: plan.outputs.map((index, position) => valueSummary(plan, index, outputNames[position] === 'result' ? undefined : outputNames[position])),
    delegates,
    nonConstBufferSizes: plan.nonConstBufferSizes,
    arenas: arenas(plan, registry),
    containerMetaType: metadata ? { ...metadata } : null,
  };
  if (isConstant) {
    const outputs = plan.outputs.map((index) => {
      const value = plan.values[index];
      return value ? scalarValue(value, plan.values) : null;
    });
    summary.constantValue = outputs.length === 1 && !isSequence(metadata?.encodedOutStr) ? outputs[0]! : outputs;
  }
  return summary;
}

function segmentSummaries(program: PteProgram, segmentBase: number): SegmentSummary[] {
  const segments: SegmentSummary[] = program.segments.map((segment, index) => ({
    index,
    offset: segment.offset,
    size: segment.size,
    fileOffset: segmentBase + segment.offset,
    roles: [],
    usedBy: [],
  }));
  const mark = (index: number, role: SegmentRole, user: string): void => {
    const segment = segments[index];
    if (!segment) return;
    if (!segment.roles.includes(role)) segment.roles.push(role);
    segment.usedBy.push(user);
  };
  if (program.constantSegment) mark(program.constantSegment.segmentIndex, 'constant', 'constant_segment');
  (program.mutableDataSegments ?? []).forEach((entry, index) => mark(entry.segmentIndex, 'mutable-data', `mutable_data_segments[${index}]`));
  for (const plan of program.executionPlans) {
    plan.delegates.forEach((delegate, index) => {
      if (delegate.processed.location === 1) mark(delegate.processed.index, 'delegate', `${plan.name}/delegate ${index} (${delegate.id})`);
    });
  }
  for (const entry of program.namedData ?? []) mark(entry.segmentIndex, 'named-data', `named_data ${JSON.stringify(entry.key)}`);
  for (const segment of segments) if (segment.roles.length === 0) segment.roles.push('unreferenced');
  return segments;
}

function byteUsage(program: PteProgram, segments: readonly SegmentSummary[], fileSize: number, programSize: number, headerBytes: number): ByteUsage[] {
  const inlineDelegates = program.backendDelegateData.reduce((total, data) => total + data.length, 0);
  const constantBuffer = program.constantBuffer.reduce((total, data) => total + data.length, 0);
  const usage = new Map<string, number>();
  const add = (category: string, bytes: number): void => {
    if (bytes > 0) usage.set(category, (usage.get(category) ?? 0) + bytes);
  };
  add('extended header', headerBytes);
  add('program (flatbuffer)', programSize - headerBytes - inlineDelegates - constantBuffer);
  add('inline delegate payloads', inlineDelegates);
  add('constant_buffer (deprecated)', constantBuffer);
  const delegateIds = new Map<number, string>();
  for (const plan of program.executionPlans) {
    for (const delegate of plan.delegates) if (delegate.processed.location === 1) delegateIds.set(delegate.processed.index, delegate.id);
  }
  for (const segment of segments) {
    const role = segment.roles[0]!;
    const category =
      role === 'constant' ? 'constant data' : role === 'mutable-data' ? 'mutable data' : role === 'delegate' ? `delegate payloads (${delegateIds.get(segment.index)})` : role === 'named-data' ? 'named data' : 'unreferenced segments';
    add(category, segment.size);
  }
  const accounted = [...usage.values()].reduce((total, bytes) => total + bytes, 0);
  add('alignment padding', fileSize - accounted);
  return [...usage].map(([category, bytes]) => ({ category, bytes }));
}

/** Absolute file offsets of the inline payloads (they are views into the file). */
function viewOffsets(views: readonly Uint8Array[], file: Uint8Array): number[] {
  return views.map((view) => (view.buffer === file.buffer ? view.byteOffset - file.byteOffset : 0));
}

export interface InspectPteOptions extends ReadPteOptions {
  /** Operator schemas used to tell written from read arguments (default: core's operators). */
  readonly registry?: OperatorRegistry;
}

/**
 * Summarises a `.pte` file. Reads it with `readPte`, so malformed files throw the same
 * PteFormatError (naming `options.source`).
 */
export function inspectPte(bytes: Uint8Array, options: InspectPteOptions = {}): PteSummary {
  const program = readPte(bytes, options);
  const registry = options.registry ?? createOperatorRegistry(coreOperators());
  const header = readExtendedHeader(bytes, options.source === undefined ? {} : { source: options.source });
  const segmentBase = header?.segmentBaseOffset ?? 0;
  const programSize = header?.programSize ?? bytes.length;
  const headerBytes = header ? Math.ceil(header.headerLength / 16) * 16 : 0;
  const segments = segmentSummaries(program, segmentBase);
  const inlineOffsets = viewOffsets(program.backendDelegateData, bytes);
  return {
    source: options.source ?? null,
    fileSize: bytes.length,
    fileIdentifier: String.fromCharCode(...bytes.subarray(4, 8)),
    extendedHeader: header,
    programSize,
    programVersion: program.version,
    segments,
    constantSegment: program.constantSegment ? { ...program.constantSegment } : null,
    constantBufferSizes: program.constantBuffer.map((data) => data.length),
    backendDelegateDataSizes: program.backendDelegateData.map((data) => data.length),
    mutableDataSegments: (program.mutableDataSegments ?? []).map((entry) => ({ ...entry })),
    namedData: (program.namedData ?? []).map((entry) => ({ key: entry.key, segmentIndex: entry.segmentIndex, size: program.segments[entry.segmentIndex]?.size ?? 0 })),
    methods: program.executionPlans.map((plan) => methodSummary(program, plan, segmentBase, inlineOffsets, registry)),
    byteUsage: byteUsage(program, segments, bytes.length, programSize, headerBytes),
  };
}
