import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { toOutVariants } from '../passes/to-out-variants.js';
import { planMemory } from '../planner/memory-plan.js';
import { ScalarType } from '../scalar-type.js';
import { findSharedData } from '../testing/shared-data.js';
import { BlobTable } from './content-hash.js';
import { emitMethod } from './emit-method.js';

const registry = createOperatorRegistry(coreOperators());

describe('emitMethod', () => {
  const path = findSharedData('conformance/upstream/apple_add.json');
  it.skipIf(!path)('emits forward(a, b) = a + b exactly as upstream ExecuTorch does (apple_add.pte)', () => {
    const upstream = JSON.parse(readFileSync(path!, 'utf8')).execution_plan[0];
    const b = new GraphBuilder(registry);
    const a = b.placeholder('a', GraphBuilder.tensor(ScalarType.FLOAT, [1]));
    const c = b.placeholder('b', GraphBuilder.tensor(ScalarType.FLOAT, [1]));
    b.output([b.op('aten::add.Tensor', a, c)]);
    const program = new ExportedProgram({
      graph: b.graph,
      signature: { inputs: b.graph.placeholders.map((p) => ({ kind: 'user_input' as const, node: p.id })), outputs: [{ kind: 'user_output' }] },
    });
    const lowered = toOutVariants.run(program, { registry });
    const plan = emitMethod('forward', lowered, planMemory(lowered, registry), {
      registry,
      constants: new BlobTable([new Uint8Array(0)]),
      mutableData: [new Uint8Array(0)],
      addDelegate: () => {
        throw new Error('no delegates here');
      },
      inputEncoding: upstream.container_meta_type.encoded_inp_str,
      outputEncoding: upstream.container_meta_type.encoded_out_str,
    });
    expect(plan.inputs).toEqual(upstream.inputs);
    expect(plan.outputs).toEqual(upstream.outputs);
    expect(plan.nonConstBufferSizes).toEqual(upstream.non_const_buffer_sizes);
    expect(plan.operators).toEqual(upstream.operators);
    expect(plan.chains[0]!.instructions).toEqual([{ kind: 'KernelCall', opIndex: 0, args: upstream.chains[0].instructions[0].instr_args.args }]);
    expect(plan.values.map((v) => v.kind)).toEqual(upstream.values.map((v: { val_type: string }) => v.val_type));
    plan.values.forEach((value, i) => {
      const expected = upstream.values[i].val;
      if (value.kind === 'Tensor') {
        expect(value.tensor.sizes).toEqual(expected.sizes);
        expect(value.tensor.dimOrder).toEqual(expected.dim_order);
        expect(value.tensor.scalarType).toBe(ScalarType.FLOAT);
        expect(value.tensor.allocationInfo).toEqual({ memoryId: expected.allocation_info.memory_id, memoryOffset: expected.allocation_info.memory_offset_low });
      } else if (value.kind === 'Int') {
        expect(value.value).toBe(BigInt(expected.int_val));
      }
    });
  });
});
