/**
 * Where a `.pte` tensor's bytes live, decided exactly as ExecuTorch's `getTensorDataPtr` does:
 * EXTERNAL constants come from the named data (`.ptd`), constants are zero-copy views of the
 * constant segment (or the old `constant_buffer`), planned tensors are views into the method's
 * arenas at their `allocation_info`, planned tensors with initial state get it copied from the
 * mutable data segment, and everything else (unplanned inputs, unplanned delegate or view outputs)
 * gets storage of its own, sized to its upper bound.
 */

import {
  PteFormatError,
  type PteProgram,
  type PteTensor,
  Tensor,
  TensorDataLocation,
  TensorShapeDynamism,
  elementSize,
  isScalarType,
  scalarTypeName,
} from '@etch/core';
import type { MergedNamedData } from './named-data.js';

/** What a tensor may point into while a method loads. */
export interface StorageContext {
  readonly program: PteProgram;
  /** Arena `i` backs `memory_id` `i + 1`. */
  readonly arenas: readonly ArrayBuffer[];
  readonly namedData: MergedNamedData;
}

/** Bytes a tensor of these sizes takes (its upper bound for DYNAMIC_BOUND tensors). */
export function tensorByteSize(tensor: PteTensor): number {
  let numel = 1;
  for (const size of tensor.sizes) numel *= size;
  return numel * elementSize(tensor.scalarType);
}

function checkLayout(tensor: PteTensor, field: string): void {
  if (!isScalarType(tensor.scalarType)) throw new PteFormatError(`${field}.scalar_type`, `unknown scalar type ${tensor.scalarType}`);
  if (tensor.sizes.length !== tensor.dimOrder.length) {
    throw new PteFormatError(`${field}.dim_order`, `has ${tensor.dimOrder.length} entries for ${tensor.sizes.length} sizes`);
  }
  if (tensor.sizes.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new PteFormatError(`${field}.sizes`, `[${tensor.sizes.join(', ')}] must be non-negative integers`);
  }
  if (tensor.dimOrder.some((dim, index) => dim !== index)) {
    throw new PteFormatError(`${field}.dim_order`, `[${tensor.dimOrder.join(', ')}] is not contiguous; this runtime's kernels need the default dim order`, {
      hint: 'export without channels-last (or other non-default) memory formats',
    });
  }
  if (tensor.shapeDynamism === TensorShapeDynamism.DYNAMIC_UNBOUND) {
    throw new PteFormatError(`${field}.shape_dynamism`, 'DYNAMIC_UNBOUND tensors are not supported (ExecuTorch rejects them too)', {
      hint: 'export with bounded dynamic shapes',
    });
  }
}

/** A tensor viewing `bytes` when aligned for its dtype, else over a private copy of them. */
function viewOrCopy(tensor: PteTensor, bytes: Uint8Array): Tensor {
  if (bytes.byteOffset % elementSize(tensor.scalarType) === 0) {
    return new Tensor(tensor.scalarType, tensor.sizes, bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Tensor(tensor.scalarType, tensor.sizes, copy.buffer, 0, copy.byteLength);
}

function constantBytes(tensor: PteTensor, context: StorageContext, field: string, nbytes: number): Uint8Array {
  const { program } = context;
  const index = tensor.dataBufferIdx;
  const offsets = program.constantSegment?.offsets ?? [];
  if (offsets.length === 0) {
    const buffer = program.constantBuffer[index];
    if (!buffer) throw new PteFormatError(`${field}.data_buffer_idx`, `${index} is past constant_buffer (${program.constantBuffer.length} entries)`);
    if (buffer.byteLength < nbytes) {
      throw new PteFormatError(`constant_buffer[${index}]`, `holds ${buffer.byteLength} bytes but the tensor needs ${nbytes}`);
    }
    return buffer.subarray(0, nbytes);
  }
  const offset = offsets[index];
  if (offset === undefined) throw new PteFormatError(`${field}.data_buffer_idx`, `${index} is past constant_segment.offsets (${offsets.length} entries)`);
  const segmentIndex = program.constantSegment!.segmentIndex;
  const segment = program.segments[segmentIndex];
  if (!segment) throw new PteFormatError('constant_segment.segment_index', `segment ${segmentIndex} does not exist`);
  if (offset + nbytes > segment.data.byteLength) {
    throw new PteFormatError(`constant_segment.offsets[${index}]`, `${nbytes} bytes at ${offset} run past the constant segment (${segment.data.byteLength} bytes)`);
  }
  return segment.data.subarray(offset, offset + nbytes);
}

function mutableInitialBytes(tensor: PteTensor, context: StorageContext, field: string, nbytes: number): Uint8Array {
  const mutable = context.program.mutableDataSegments?.[0];
  if (!mutable) throw new PteFormatError(`${field}.data_buffer_idx`, 'a planned tensor has initial data but the program has no mutable_data_segments');
  const offset = mutable.offsets[tensor.dataBufferIdx];
  const segment = context.program.segments[mutable.segmentIndex];
  if (offset === undefined || !segment) {
    throw new PteFormatError(`${field}.data_buffer_idx`, `${tensor.dataBufferIdx} does not resolve in mutable_data_segments[0]`);
  }
  if (offset + nbytes > segment.data.byteLength) {
    throw new PteFormatError(`mutable_data_segments[0].offsets[${tensor.dataBufferIdx}]`, `${nbytes} bytes at ${offset} run past the segment`);
  }
  return segment.data.subarray(offset, offset + nbytes);
}

function externalBytes(tensor: PteTensor, context: StorageContext, field: string, nbytes: number): Uint8Array {
  const key = tensor.extraTensorInfo?.fullyQualifiedName;
  if (!key) throw new PteFormatError(`${field}.extra_tensor_info.fully_qualified_name`, 'an EXTERNAL tensor needs a fully qualified name');
  const bytes = context.namedData.get(key);
  if (!bytes) {
    throw new PteFormatError(`${field}.extra_tensor_info.fully_qualified_name`, `'${key}' is not in the named data`, {
      hint: 'pass the .ptd file holding the external weights in Module.load(…, { dataFiles })',
    });
  }
  const layout = context.namedData.layout(key);
  if (layout && (layout.scalarType !== tensor.scalarType || layout.sizes.join() !== tensor.sizes.join())) {
    throw new PteFormatError(
      `${field}.extra_tensor_info.fully_qualified_name`,
      `'${key}' is ${scalarTypeName(layout.scalarType)} [${layout.sizes.join(', ')}] in the data file, but the program expects ${scalarTypeName(tensor.scalarType)} [${tensor.sizes.join(', ')}]`,
      { hint: 'pass the .ptd exported together with this .pte' },
    );
  }
  if (bytes.byteLength < nbytes) {
    throw new PteFormatError(`named data '${key}'`, `holds ${bytes.byteLength} bytes but the tensor needs ${nbytes} (${scalarTypeName(tensor.scalarType)} [${tensor.sizes.join(', ')}])`);
  }
  return bytes.subarray(0, nbytes);
}

function plannedTensor(tensor: PteTensor, context: StorageContext, field: string, nbytes: number): Tensor {
  const { memoryId, memoryOffset } = tensor.allocationInfo!;
  const arena = context.arenas[memoryId - 1];
  if (memoryId < 1 || !arena) {
    throw new PteFormatError(`${field}.allocation_info.memory_id`, `${memoryId} names no planned buffer (the method has ${context.arenas.length})`);
  }
  if (memoryOffset + nbytes > arena.byteLength) {
    throw new PteFormatError(`${field}.allocation_info`, `${nbytes} bytes at ${memoryOffset} run past planned buffer ${memoryId} (${arena.byteLength} bytes)`);
  }
  if (memoryOffset % elementSize(tensor.scalarType) !== 0) {
    throw new PteFormatError(`${field}.allocation_info.memory_offset`, `${memoryOffset} is not aligned for ${scalarTypeName(tensor.scalarType)}`);
  }
  return new Tensor(tensor.scalarType, tensor.sizes, arena, memoryOffset, nbytes);
}

/** The run-time tensor for a Tensor EValue; `field` names it in errors (`forward.values[12]`). */
export function materializeTensor(tensor: PteTensor, context: StorageContext, field: string): Tensor {
  checkLayout(tensor, field);
  const nbytes = tensorByteSize(tensor);
  const external = tensor.extraTensorInfo?.location === TensorDataLocation.EXTERNAL;
  if (tensor.allocationInfo) {
    const planned = plannedTensor(tensor, context, field, nbytes);
    if (external) planned.bytes.set(externalBytes(tensor, context, field, nbytes));
    else if (tensor.dataBufferIdx > 0) planned.bytes.set(mutableInitialBytes(tensor, context, field, nbytes));
    return planned;
  }
  if (external) return viewOrCopy(tensor, externalBytes(tensor, context, field, nbytes));
  if (tensor.dataBufferIdx > 0) return viewOrCopy(tensor, constantBytes(tensor, context, field, nbytes));
  return Tensor.zeros(tensor.scalarType, tensor.sizes);
}
