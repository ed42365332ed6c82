import { describe, expect, it } from 'vitest';
import { evaluateProgram } from '../../evaluator/evaluate.js';
import { int } from '../../ir/argument.js';
import { GraphBuilder } from '../../ir/builder.js';
import { ExportedProgram } from '../../ir/program.js';
import { Tensor } from '../../kernels/tensor.js';
import { coreOperators } from '../../ops/index.js';
import { createOperatorRegistry } from '../../ops/registry.js';
import { ScalarType } from '../../scalar-type.js';
import { decompose } from '../decompose.js';
import { runPasses } from '../pass-manager.js';
import { toOutVariants } from '../to-out-variants.js';
import { portableDecompositions } from './index.js';

const registry = createOperatorRegistry(coreOperators());

/** A program of user inputs with `shapes` whose single output `body` builds. */
function program(shapes: number[][], body: (b: GraphBuilder, inputs: ReturnType<GraphBuilder['placeholder']>[]) => ReturnType<GraphBuilder['op']>): ExportedProgram {
  const b = new GraphBuilder(registry);
  const inputs = shapes.map((shape, i) => b.placeholder(`x${i}`, GraphBuilder.tensor(ScalarType.FLOAT, shape)));
  b.output([body(b, inputs)]);
  return new ExportedProgram({
    graph: b.graph,
    signature: { inputs: inputs.map((input) => ({ kind: 'user_input' as const, node: input.node })), outputs: [{ kind: 'user_output' }] },
    constants: new Map(),
  });
}

function inputsFor(shapes: number[][]): Tensor[] {
  return shapes.map((shape, i) => {
    const count = shape.reduce((a, b) => a * b, 1);
    return Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from({ length: count }, (_, k) => Math.sin(k * 0.7 + i) * 2));
  });
}

/** Decomposes and converts to out variants, then checks the result against the original graph. */
function expectSameResults(shapes: number[][], body: Parameters<typeof program>[1]): string[] {
  const original = program(shapes, body);
  const { program: lowered } = runPasses(original, [decompose(portableDecompositions()), toOutVariants], { registry });
  const [expected] = evaluateProgram(original, inputsFor(shapes), { registry }) as Tensor[];
  const [actual] = evaluateProgram(lowered, inputsFor(shapes), { registry }) as Tensor[];
  expect(actual!.shape).toEqual(expected!.shape);
  const targets = lowered.graph.nodes.filter((n) => n.kind === 'call').map((n) => n.target!);
  [...expected!.data].forEach((value, i) => expect(actual!.data[i] as number).toBeCloseTo(value as number, 5));
  return targets;
}

describe('portable decompositions', () => {
  it('matmul of a batch by a matrix folds rows into one mm', () => {
    const targets = expectSameResults([[2, 3, 4], [4, 5]], (b, [x, y]) => b.op('aten::matmul', x!, y!));
    expect(targets).toContain('aten::mm.out');
  });

  it('matmul with broadcast batch dims and vectors goes through bmm', () => {
    expect(expectSameResults([[2, 1, 3, 4], [5, 4, 2]], (b, [x, y]) => b.op('aten::matmul', x!, y!))).toContain('aten::bmm.out');
    expectSameResults([[4], [3, 4, 2]], (b, [x, y]) => b.op('aten::matmul', x!, y!));
    expectSameResults([[3, 4], [4]], (b, [x, y]) => b.op('aten::matmul', x!, y!));
  });

  it('layer_norm becomes native_layer_norm', () => {
    const targets = expectSameResults([[2, 5], [5], [5]], (b, [x, w, bias]) => b.op('aten::layer_norm', x!, [int(5)], w!, bias!, 1e-5, true));
    expect(targets).toContain('aten::native_layer_norm.out');
  });

  it('softmax.int and log_softmax.int become _softmax and _log_softmax', () => {
    expect(expectSameResults([[3, 4]], (b, [x]) => b.op('aten::softmax.int', x!, int(-1), null))).toContain('aten::_softmax.out');
    expect(expectSameResults([[3, 4]], (b, [x]) => b.op('aten::log_softmax.int', x!, int(0), ScalarType.FLOAT))).toContain('aten::_log_softmax.out');
  });
});
