import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import { evaluateProgram } from '../../evaluator/evaluate.js';
import { int } from '../../ir/argument.js';
import { ExportedProgram } from '../../ir/program.js';
import { constantFolding } from '../../passes/constant-folding.js';
import { toOutVariants } from '../../passes/to-out-variants.js';
import { scalarKindsOf } from '../runtime-args.js';
import { coreOperators } from '../index.js';
import { creationOperators } from './creation.js';
import { operatorRunner, i64 } from './operator-test-support.js';

const { run, runAll, registry } = operatorRunner(creationOperators());

// Expected values computed with torch 2.13.

describe('factories', () => {
  it('pick torch default dtypes', () => {
    const builder = new GraphBuilder(registry);
    expect(builder.dtype(builder.op('aten::full', [int(2)], int(5)))).toBe(ScalarType.LONG);
    expect(builder.dtype(builder.op('aten::full', [int(2)], true))).toBe(ScalarType.BOOL);
    expect(builder.dtype(builder.op('aten::full', [int(2)], 0.5))).toBe(ScalarType.FLOAT);
    expect(builder.dtype(builder.op('aten::scalar_tensor', int(5)))).toBe(ScalarType.FLOAT);
    expect(builder.dtype(builder.op('aten::zeros', [int(2)]))).toBe(ScalarType.FLOAT);
    expect(builder.dtype(builder.op('aten::arange', int(5)))).toBe(ScalarType.LONG);
    expect(builder.dtype(builder.op('aten::arange.start_step', int(0), int(1), 0.25))).toBe(ScalarType.FLOAT);
  });

  it('size arange symbolically from symbolic bounds', () => {
    const builder = new GraphBuilder(registry);
    const positions = builder.placeholder('start_pos', { kind: 'symint', value: sym('p') });
    const end = builder.placeholder('end', { kind: 'symint', value: sym('p', 1, 3) });
    expect(builder.shape(builder.op('aten::arange.start', positions, end))).toEqual([3]);
    const length = builder.placeholder('seq_len', { kind: 'symint', value: sym('s') });
    expect(builder.shape(builder.op('aten::arange', length))).toEqual([sym('s')]);
  });

  it('fill values converted to the out dtype', () => {
    expect([...run('aten::arange.start_step', 0, 1, 0.25, ScalarType.FLOAT).data]).toEqual([0, 0.25, 0.5, 0.75]);
    expect([...run('aten::arange.start_step', 2, -3, -2, null).data]).toEqual([2n, 0n, -2n]);
    const out = Tensor.zeros(ScalarType.LONG, [128]);
    runAll('aten::arange.start_out', 0, 128, 1, out);
    expect(out.data[127]).toBe(127n);
    const like = run('aten::full_like', i64([1, 2]), 2.7, null);
    expect([...like.data]).toEqual([2n, 2n]);
    const infinite = Tensor.zeros(ScalarType.FLOAT, []);
    runAll('aten::scalar_tensor.out', -Infinity, infinite);
    expect(infinite.data[0]).toBe(-Infinity);
    expect(() => run('aten::arange.start_step', 0, 5, 0, null)).toThrow(/step must be nonzero/);
  });

  it('fill and empty', () => {
    const self = Tensor.zeros(ScalarType.LONG, [3]);
    expect([...run('aten::fill.Scalar', self, 4).data]).toEqual([4n, 4n, 4n]);
    expect(run('aten::fill_.Scalar', self, -1)).toBe(self);
    expect([...self.data]).toEqual([-1n, -1n, -1n]);
    const empty = run('aten::empty.memory_format', [2, 2], null, null, null, null, null);
    expect(empty.dtype).toBe(ScalarType.FLOAT);
    expect(empty.shape).toEqual([2, 2]);
  });

  it('keep a float Scalar with an integral value a float when evaluated and folded', () => {
    const builder = new GraphBuilder(registry);
    const zeros = builder.op('aten::full', [int(2)], 0);
    expect(builder.dtype(zeros)).toBe(ScalarType.FLOAT);
    builder.output([zeros]);
    const program = new ExportedProgram({ graph: builder.graph, signature: { inputs: [], outputs: [{ kind: 'user_output' }] }, constants: new Map() });
    const [evaluated] = evaluateProgram(program, [], { registry }) as Tensor[];
    expect(evaluated!.dtype).toBe(ScalarType.FLOAT);
    const folded = constantFolding.run(program, { registry });
    const [constant] = [...folded.constants.values()];
    expect(constant!.dtype).toBe(ScalarType.FLOAT);
    expect(constant!.read().dtype).toBe(ScalarType.FLOAT);
    const node = builder.graph.nodes.find((n) => n.kind === 'call')!;
    const def = registry.get('aten::full');
    // Without the kinds, 0 reads as an int: the kinds are what keeps float32.
    expect((def.evaluate(new RuntimeArgs(def.schema, [[2], 0, null, null, null, null]))[0] as Tensor).dtype).toBe(ScalarType.LONG);
    expect((def.evaluate(new RuntimeArgs(def.schema, [[2], 0, null, null, null, null], scalarKindsOf(node.args)))[0] as Tensor).dtype).toBe(ScalarType.FLOAT);
  });

  it('lower to out variants that drop TensorOptions (arange.start gets its default step)', () => {
    const builder = new GraphBuilder(registry);
    const start = builder.placeholder('start', { kind: 'symint', value: sym('p') });
    const positions = builder.op('aten::arange.start', start, builder.placeholder('end', { kind: 'symint', value: sym('p', 1, 2) }));
    builder.output([positions, builder.op('aten::full', [int(2)], 0.5)]);
    const [startNode, endNode] = builder.graph.placeholders;
    const program = new ExportedProgram({
      graph: builder.graph,
      signature: { inputs: [startNode!, endNode!].map((node) => ({ kind: 'user_input' as const, node: node.id })), outputs: [{ kind: 'user_output' }, { kind: 'user_output' }] },
      constants: new Map(),
      symbols: { p: { min: 0, max: 100 } },
    });
    const everything = createOperatorRegistry(coreOperators());
    const lowered = toOutVariants.run(program, { registry: everything });
    const calls = lowered.graph.nodes.filter((n) => n.kind === 'call' && n.target !== 'etch::alloc');
    expect(calls.map((n) => n.target)).toEqual(['aten::arange.start_out', 'aten::full.out']);
    expect(calls[0]!.args[2]).toEqual({ kind: 'int', value: 1 });
    const [range, filled] = evaluateProgram(lowered, [5, 7], { registry: everything }) as Tensor[];
    expect([...range!.data]).toEqual([5n, 6n]);
    expect([...filled!.data]).toEqual([0.5, 0.5]);
  });
});
