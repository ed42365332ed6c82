import { describe, expect, it } from 'vitest';
import { ProgramState, evaluateProgram } from '../evaluator/evaluate.js';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { planMemory } from '../planner/memory-plan.js';
import { ScalarType } from '../scalar-type.js';
import { constantFolding } from './constant-folding.js';
import { deadCodeElimination } from './dead-code.js';
import { runPasses } from './pass-manager.js';
import { toOutVariants } from './to-out-variants.js';

const registry = createOperatorRegistry(coreOperators());

function constant(values: number[], shape: number[]) {
  return { dtype: ScalarType.FLOAT, shape, read: () => Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from(values)) };
}

/** y = (x * w + b) * 2 with an unused branch, over a 1-D input. */
function smallProgram(): ExportedProgram {
  const b = new GraphBuilder(registry);
  const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [4]));
  const w = b.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [4]));
  const bias = b.placeholder('bias', GraphBuilder.tensor(ScalarType.FLOAT, [4]));
  const unused = b.placeholder('unused', GraphBuilder.tensor(ScalarType.FLOAT, [4]));
  const wb = b.op('aten::mul.Tensor', w, bias); // constant-only: folds
  b.op('aten::add.Tensor', x, unused); // dead
  const y = b.op('aten::mul.Scalar', b.op('aten::add.Tensor', b.op('aten::mul.Tensor', x, w), wb), 2);
  b.output([y]);
  const [px, pw, pb, pu] = b.graph.placeholders;
  return new ExportedProgram({
    graph: b.graph,
    signature: {
      inputs: [
        { kind: 'user_input', node: px!.id },
        { kind: 'parameter', node: pw!.id, target: 'w' },
        { kind: 'parameter', node: pb!.id, target: 'bias' },
        { kind: 'parameter', node: pu!.id, target: 'unused' },
      ],
      outputs: [{ kind: 'user_output' }],
    },
    constants: new Map([
      ['w', constant([1, 2, 3, 4], [4])],
      ['bias', constant([0.5, 0.5, 0.5, 0.5], [4])],
      ['unused', constant([9, 9, 9, 9], [4])],
    ]),
  });
}

const input = () => Tensor.fromArray(ScalarType.FLOAT, [4], Float32Array.of(1, -1, 2, 0));
// (x*w + w*0.5) * 2 = [3, -2, 15, 4]
const expected = [3, -2, 15, 4];

describe('pipeline passes', () => {
  it('fold constants, drop dead code and unused parameters, and keep the semantics', () => {
    const { program, records } = runPasses(smallProgram(), [constantFolding, deadCodeElimination], { registry });
    expect(records.map((r) => r.pass)).toEqual(['constant-folding', 'dead-code-elimination']);
    const targets = program.graph.nodes.filter((n) => n.kind === 'call').map((n) => n.target);
    expect(targets).toEqual(['aten::mul.Tensor', 'aten::add.Tensor', 'aten::mul.Scalar']);
    expect([...program.constants.keys()].sort()).toEqual(['_folded.mul', 'w']);
    const [out] = evaluateProgram(program, [input()], { registry });
    expect(Array.from((out as Tensor).data as Float32Array)).toEqual(expected);
  });

  it('converts to out variants with allocs, and the result still evaluates the same', () => {
    const { program } = runPasses(smallProgram(), [constantFolding, deadCodeElimination, toOutVariants], { registry });
    const calls = program.graph.nodes.filter((n) => n.kind === 'call').map((n) => n.target);
    expect(calls).toEqual(['etch::alloc', 'aten::mul.out', 'etch::alloc', 'aten::add.out', 'etch::alloc', 'aten::mul.Scalar_out']);
    const [out] = evaluateProgram(program, [input()], { registry });
    expect(Array.from((out as Tensor).data as Float32Array)).toEqual(expected);
  });

  it('plans memory: reuse where lifetimes allow, and the plan verifies', () => {
    const { program } = runPasses(smallProgram(), [constantFolding, deadCodeElimination, toOutVariants], { registry });
    const plan = planMemory(program, registry, { algorithm: 'greedy' });
    // Four 16-byte tensors in a chain x → x·w → +wb → ·2: each dies where the next is made, so
    // at most two are live at once and the arena alternates between two slots.
    expect(plan.lowerBound).toBe(32);
    expect(plan.arenaBytes).toBe(32);
    const naive = planMemory(program, registry, { algorithm: 'naive' });
    expect(naive.arenaBytes).toBe(64);
  });

  it('re-inplaces a buffer update written back to the same buffer, and writes back otherwise', () => {
    const b = new GraphBuilder(registry);
    const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2]));
    const cache = b.placeholder('cache', GraphBuilder.tensor(ScalarType.FLOAT, [2]));
    const updated = b.op('aten::add.Tensor', cache, x);
    b.output([updated, b.op('aten::mul.Tensor', updated, x)]);
    const [px, pc] = b.graph.placeholders;
    const program = new ExportedProgram({
      graph: b.graph,
      signature: {
        inputs: [
          { kind: 'user_input', node: px!.id },
          { kind: 'buffer', node: pc!.id, target: 'cache' },
        ],
        outputs: [{ kind: 'buffer_mutation', target: 'cache' }, { kind: 'user_output' }],
      },
      buffers: new Map([['cache', { dtype: ScalarType.FLOAT, shape: [2], mutable: true, initial: null }]]),
    });
    const lowered = toOutVariants.run(program, { registry });
    const targets = lowered.graph.nodes.filter((n) => n.kind === 'call').map((n) => n.target);
    expect(targets).toContain('aten::add_.Tensor');
    expect(targets).not.toContain('aten::copy_');
    const state = new ProgramState(lowered);
    const step = (values: number[]) => evaluateProgram(lowered, [Tensor.fromArray(ScalarType.FLOAT, [2], Float32Array.from(values))], { registry, state });
    step([1, 2]);
    const [second] = step([1, 2]);
    // cache = 2x after two steps; output = cache * x
    expect(Array.from((second as Tensor).data as Float32Array)).toEqual([2, 8]);
    expect(Array.from(state.buffers.get('cache')!.data as Float32Array)).toEqual([2, 4]);
    const plan = planMemory(lowered, registry);
    const cacheValue = plan.values.find((v) => v.kind === 'mutable_buffer')!;
    expect(cacheValue.first).toBe(0);
    expect(cacheValue.last).toBe(lowered.graph.nodes.length - 1);
  });
});
