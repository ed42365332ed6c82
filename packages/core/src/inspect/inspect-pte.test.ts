import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PteFormatError } from '../errors.js';
import { readFlatcJson, readVector, referenceVectors } from '../pte/vectors.test-support.js';
import { inspectPte } from './inspect-pte.js';

const vectors = referenceVectors();
type Json = Record<string, any>;

function countBy(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

function sorted(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort(([left], [right]) => (left < right ? -1 : 1));
}

describe('inspectPte against upstream flatc decodes', () => {
  it.skipIf(vectors.length === 0).each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const bytes = readVector(vector);
    const summary = inspectPte(bytes, { source: vector.name });
    const json = readFlatcJson(vector.jsonPath) as Json;
    const segments = (json.segments ?? []) as Json[];
    expect(summary.fileSize).toBe(bytes.length);
    expect(summary.segments.map(({ offset, size }) => ({ offset, size }))).toEqual(segments.map((segment) => ({ offset: Number(segment.offset ?? 0), size: Number(segment.size ?? 0) })));
    expect(summary.constantSegment?.offsets ?? null).toEqual(json.constant_segment ? (json.constant_segment.offsets ?? []).map(Number) : null);
    expect(summary.constantBufferSizes).toEqual((json.constant_buffer ?? []).map((buffer: Json) => (buffer.storage ?? []).length));
    expect(summary.namedData.map(({ key, segmentIndex }) => ({ key, segmentIndex }))).toEqual(
      (json.named_data ?? []).map((entry: Json) => ({ key: entry.key, segmentIndex: Number(entry.segment_index ?? 0) })),
    );
    const plans = json.execution_plan as Json[];
    expect(summary.methods.map((method) => method.name)).toEqual(plans.map((plan) => plan.name));
    summary.methods.forEach((method, index) => {
      const plan = plans[index]!;
      const instructions = ((plan.chains ?? []) as Json[]).flatMap((chain) => (chain.instructions ?? []) as Json[]);
      const operators = ((plan.operators ?? []) as Json[]).map((operator) => (operator.overload ? `${operator.name}.${operator.overload}` : operator.name));
      expect(method.valuesCount).toBe((plan.values ?? []).length);
      expect(method.instructionsCount).toBe(instructions.length);
      expect(method.instructionKinds).toEqual(countBy(instructions.map((instruction) => instruction.instr_args_type)));
      expect(method.operators).toEqual(operators);
      expect(sorted(method.kernelCallCounts)).toEqual(
        sorted(countBy(instructions.filter((instruction) => instruction.instr_args_type === 'KernelCall').map((instruction) => operators[Number(instruction.instr_args.op_index ?? 0)]!))),
      );
      expect(method.nonConstBufferSizes).toEqual((plan.non_const_buffer_sizes ?? []).map(Number));
      expect(method.inputs.map((input) => input.valueIndex)).toEqual((plan.inputs ?? []).map(Number));
      expect(method.outputs.map((output) => output.valueIndex)).toEqual((plan.outputs ?? []).map(Number));
      expect(method.delegates.map(({ id, location, dataIndex, payloadSize }) => ({ id, location, dataIndex, payloadSize }))).toEqual(
        ((plan.delegates ?? []) as Json[]).map((delegate) => {
          const location = delegate.processed.location ?? 'INLINE';
          const dataIndex = Number(delegate.processed.index ?? 0);
          const payloadSize = location === 'SEGMENT' ? Number(segments[dataIndex]!.size ?? 0) : (json.backend_delegate_data[dataIndex].data ?? []).length;
          return { id: delegate.id, location, dataIndex, payloadSize };
        }),
      );
    });
    expect(summary.byteUsage.reduce((total, entry) => total + entry.bytes, 0)).toBe(bytes.length);
  });
});

const withSummaries = vectors.filter((vector) => vector.summaryPath);

describe('inspectPte against upstream layout summaries of the stories260K exports', () => {
  it.skipIf(withSummaries.length === 0).each(withSummaries.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const summary = inspectPte(readVector(vector));
    const expected = JSON.parse(readFileSync(vector.summaryPath!, 'utf8')) as Json;
    expect(summary.extendedHeader).toEqual({ headerLength: 32, programSize: expected.extended_header.program_size, segmentBaseOffset: expected.extended_header.segment_base_offset, segmentDataSize: expected.extended_header.segment_data_size });
    expect(summary.segments.map(({ offset, size }) => ({ offset, size }))).toEqual(expected.segments);
    expect(summary.constantSegment).toEqual({ segmentIndex: expected.constant_segment.segment_index, offsets: expected.constant_segment.offsets });
    expect(summary.namedData).toEqual(expected.named_data.map((entry: Json) => ({ key: entry.key, segmentIndex: entry.segment_index, size: entry.size })));
    expect(summary.mutableDataSegments).toEqual(expected.mutable_data_segments);
    expect(summary.backendDelegateDataSizes).toEqual(expected.backend_delegate_data_inline_sizes);
    expect(summary.methods.map((method) => method.name)).toEqual(expected.execution_plans.map((plan: Json) => plan.name));
    summary.methods.forEach((method, index) => {
      const plan = expected.execution_plans[index] as Json;
      expect(method.valuesCount).toBe(plan.num_values);
      expect(method.chainsCount).toBe(plan.num_chains);
      expect(method.instructionsCount).toBe(plan.num_instructions);
      expect(method.instructionKinds).toEqual(plan.instruction_kinds);
      expect(method.operators).toEqual(plan.operators);
      expect(sorted(method.kernelCallCounts)).toEqual(sorted(plan.operator_kernel_call_counts));
      expect(method.nonConstBufferSizes).toEqual(plan.non_const_buffer_sizes);
      const values = (list: Json[]) =>
        list.map((value) =>
          value.type === 'Tensor'
            ? {
                valueIndex: value.value_index,
                type: 'Tensor',
                scalarType: value.scalar_type,
                scalarTypeName: value.scalar_type_name,
                sizes: value.sizes,
                dimOrder: value.dim_order,
                shapeDynamism: value.shape_dynamism,
                dataBufferIdx: value.data_buffer_idx,
                allocationInfo: value.allocation_info
                  ? { memoryId: value.allocation_info.memory_id, memoryOffset: value.allocation_info.memory_offset_low + value.allocation_info.memory_offset_high * 2 ** 32 }
                  : null,
              }
            : { valueIndex: value.value_index, type: value.type, value: value.value },
        );
      const strip = (list: readonly object[]) => list.map((value) => Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'name')));
      expect(strip(method.inputs)).toEqual(values(plan.inputs));
      expect(strip(method.outputs)).toEqual(values(plan.outputs));
      expect(method.delegates.map(({ index, id, location, dataIndex, payloadSize, calls, compileSpecs }) => ({ index, id, location, dataIndex, payloadSize, calls, compileSpecs }))).toEqual(
        plan.delegates.map((delegate: Json) => ({
          index: delegate.index,
          id: delegate.id,
          location: delegate.location,
          dataIndex: delegate.data_index,
          payloadSize: delegate.payload_size,
          calls: delegate.calls,
          compileSpecs: delegate.compile_specs,
        })),
      );
      for (const [position, delegate] of (plan.delegates as Json[]).entries()) {
        expect(method.delegates[position]!.payloadMagic).toBe(delegate.xnnpack_header?.magic ?? null);
        const header = delegate.xnnpack_header;
        expect(method.delegates[position]!.payloadHeader).toEqual({
          magic: header.magic,
          headerLength: header.header_length,
          flatbufferOffset: header.flatbuffer_offset,
          flatbufferSize: header.flatbuffer_size,
          flatbufferIdentifier: header.flatbuffer_identifier,
          constantDataOffset: header.constant_data_offset,
          constantDataSize: header.constant_data_size,
        });
      }
      if (method.kind === 'constant') expect(method.constantValue).toEqual(expected.metadata[method.name]);
    });
    const forward = summary.methods.find((method) => method.name === 'forward')!;
    expect(forward.inputs.map((input) => input.name)).toEqual(['input_ids', 'cache_position']);
    expect(forward.arenas[0]!.size).toBe(forward.nonConstBufferSizes[1]);
    for (const tensor of forward.arenas[0]!.tensors) expect(tensor.offset + tensor.bytes).toBeLessThanOrEqual(forward.arenas[0]!.size);
  });
});

describe('inspectPte on the QNN hybrid llama', () => {
  const qnn = vectors.find((vector) => vector.name === 'qnn_stories260k_hybrid_llama.pte');
  it.skipIf(!qnn)('lists 29 plans, one shared QNN payload, and the decoded constant values', () => {
    const summary = inspectPte(readVector(qnn!));
    expect(summary.methods).toHaveLength(29);
    expect(summary.methods.slice(0, 2).map((method) => [method.name, method.kind, method.instructionKinds])).toEqual([
      ['kv_forward', 'method', { DelegateCall: 1 }],
      ['prefill_forward', 'method', { DelegateCall: 1 }],
    ]);
    for (const method of summary.methods.slice(0, 2)) {
      expect(method.delegates).toMatchObject([{ id: 'QnnBackend', location: 'SEGMENT', dataIndex: 1, payloadSize: 1331456, calls: 1, compileSpecs: [{ key: 'qnn_compile_spec' }] }]);
      expect(method.inputs).toHaveLength(24 - method.outputs.length);
    }
    expect(summary.segments[1]!.usedBy).toEqual(['kv_forward/delegate 0 (QnnBackend)', 'prefill_forward/delegate 0 (QnnBackend)']);
    const constants = Object.fromEntries(summary.methods.filter((method) => method.kind === 'constant').map((method) => [method.name, method.constantValue]));
    expect(Object.keys(constants)).toHaveLength(27);
    expect(constants).toMatchObject({ get_ar_len: 1, get_bos_id: 1, get_eos_id: 2, get_dim: 64, get_use_kv_cache: true, get_vocab_size: 512 });
    const json = readFlatcJson(qnn!.jsonPath) as Json;
    for (const plan of (json.execution_plan as Json[]).slice(2)) {
      const values = (plan.values as Json[]).map((value) => value.val.int_val ?? value.val.double_val ?? value.val.string_val ?? value.val.bool_val ?? (value.val_type === 'Bool' ? false : 0));
      const actual = constants[plan.name];
      const expectedValues = values.length === 1 && !Array.isArray(actual) ? values[0] : values;
      if (Array.isArray(actual)) {
        expect(actual).toHaveLength(values.length);
        actual.forEach((item, position) => (typeof item === 'number' ? expect(item).toBeCloseTo(Number(values[position]), 11) : expect(item).toEqual(values[position])));
      } else if (typeof actual === 'number') expect(actual).toBeCloseTo(Number(expectedValues), 11);
      else expect(actual).toEqual(expectedValues);
    }
    expect(constants.get_kv_output_8_quant_attr).toEqual([expect.closeTo(0.027828656137, 11), 128, 0, 255, 'torch.uint8']);
  });

  it('throws PteFormatError for a file that is not a program', () => {
    expect(() => inspectPte(new Uint8Array(64), { source: 'x.pte' })).toThrow(PteFormatError);
  });
});
