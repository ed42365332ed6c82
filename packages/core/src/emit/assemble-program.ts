/**
 * Assembles emitted methods into a whole `PteProgram`, laying out data the way upstream's
 * serializer does: the constant segment first (buffer 0 reserved, each buffer padded to 16 bytes
 * except the last), then mutable-buffer initial data (no padding), then one segment per distinct
 * delegate payload, then one per named blob. Methods are sorted by name, constant methods follow
 * in insertion order.
 */

import type { LoweredDelegate } from '../delegate/lowered.js';
import type { NamedBlob } from '../delegate/definition.js';
import { InvalidArgumentError } from '../errors.js';
import type { ExportedProgram, MetadataValue } from '../ir/program.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { MemoryPlan } from '../planner/memory-plan.js';
import type { BackendDelegate, ExecutionPlan, NamedData, PteProgram, Segment } from '../pte/model.js';
import { DataLocation } from '../pte/model.js';
import { BlobTable, bytesEqual } from './content-hash.js';
import { emitConstantMethods } from './constant-methods.js';
import { emitMethod } from './emit-method.js';

const CONSTANT_ALIGNMENT = 16;

export interface MethodToEmit {
  readonly name: string;
  readonly program: ExportedProgram;
  readonly plan: MemoryPlan;
  readonly inputEncoding: string;
  readonly outputEncoding: string;
}

export interface AssembleOptions {
  readonly registry: OperatorRegistry;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  /** Pytree string of a constant method's value. */
  readonly encodeMetadataOutput: (value: MetadataValue) => string;
  /** Named blobs stored in the `.pte` (tokenizer files, …), in order. */
  readonly namedData?: ReadonlyMap<string, Uint8Array>;
}

function packConstants(buffers: readonly Uint8Array[]): { data: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  let size = 0;
  buffers.forEach((buffer, i) => {
    offsets.push(size);
    size += buffer.length;
    if (i < buffers.length - 1) size = Math.ceil(size / CONSTANT_ALIGNMENT) * CONSTANT_ALIGNMENT;
  });
  const data = new Uint8Array(size);
  buffers.forEach((buffer, i) => data.set(buffer, offsets[i]!));
  return { data, offsets };
}

function packMutable(buffers: readonly Uint8Array[]): { data: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  let size = 0;
  for (const buffer of buffers) {
    offsets.push(size);
    size += buffer.length;
  }
  const data = new Uint8Array(size);
  buffers.forEach((buffer, i) => data.set(buffer, offsets[i]!));
  return { data, offsets };
}

export function assembleProgram(methods: readonly MethodToEmit[], options: AssembleOptions): PteProgram {
  const constants = new BlobTable([new Uint8Array(0)]);
  const mutableData: Uint8Array[] = [new Uint8Array(0)];
  const payloads = new BlobTable();
  const delegateRecords: { delegate: BackendDelegate; payloadIndex: number }[] = [];
  const namedBlobs = new Map<string, NamedBlob>();
  const addNamed = (blob: NamedBlob) => {
    const existing = namedBlobs.get(blob.key);
    if (existing && !bytesEqual(existing.data, blob.data)) {
      throw new InvalidArgumentError('named data', `two different blobs share the key '${blob.key}'`);
    }
    namedBlobs.set(blob.key, blob);
  };
  for (const [key, data] of options.namedData ?? []) addNamed({ key, data });

  const addDelegate = (lowered: LoweredDelegate): BackendDelegate => {
    for (const blob of lowered.payload.namedData ?? []) addNamed(blob);
    const payloadIndex = payloads.intern(lowered.payload.processed);
    const delegate: BackendDelegate = {
      id: lowered.backendId,
      processed: { location: DataLocation.SEGMENT, index: -1 },
      compileSpecs: (lowered.payload.compileSpecs ?? []).map((spec) => ({ key: spec.key, value: spec.value })),
    };
    delegateRecords.push({ delegate, payloadIndex });
    return delegate;
  };

  const plans: ExecutionPlan[] = [...methods]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((method) =>
      emitMethod(method.name, method.program, method.plan, {
        registry: options.registry,
        constants,
        mutableData,
        addDelegate,
        inputEncoding: method.inputEncoding,
        outputEncoding: method.outputEncoding,
      }),
    );
  plans.push(...emitConstantMethods(options.metadata, options.encodeMetadataOutput));

  const segments: Segment[] = [];
  const constantPack = packConstants(constants.blobs);
  segments.push({ offset: 0, size: constantPack.data.length, data: constantPack.data });
  let mutableDataSegments: PteProgram['mutableDataSegments'] = null;
  if (mutableData.length > 1) {
    const pack = packMutable(mutableData);
    mutableDataSegments = [{ segmentIndex: segments.length, offsets: pack.offsets }];
    segments.push({ offset: 0, size: pack.data.length, data: pack.data });
  }
  const payloadSegment = payloads.blobs.map((blob) => {
    segments.push({ offset: 0, size: blob.length, data: blob });
    return segments.length - 1;
  });
  for (const record of delegateRecords) record.delegate.processed = { location: DataLocation.SEGMENT, index: payloadSegment[record.payloadIndex]! };
  const namedData: NamedData[] = [...namedBlobs.values()].map((blob) => {
    segments.push({ offset: 0, size: blob.data.length, data: blob.data });
    return { key: blob.key, segmentIndex: segments.length - 1 };
  });

  return {
    version: 0,
    executionPlans: plans,
    constantBuffer: [],
    backendDelegateData: [],
    segments,
    constantSegment: { segmentIndex: 0, offsets: constantPack.offsets },
    mutableDataSegments,
    namedData: namedData.length ? namedData : null,
  };
}
