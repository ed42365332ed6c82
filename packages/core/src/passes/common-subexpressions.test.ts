import { describe, expect, it } from 'vitest';
import { evaluateProgram } from '../evaluator/evaluate.js';
import type { NodeArgument } from '../ir/argument.js';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { ScalarType } from '../scalar-type.js';
import { commonSubexpressionElimination } from './common-subexpressions.js';

const registry = createOperatorRegistry(coreOperators());

/** A program over user inputs `x` (float [2, 3]) and `mask` (bool [2, 3]) built by `body`. */
function program(body: (b: GraphBuilder, x: NodeArgument, mask: NodeArgument) => NodeArgument[]): ExportedProgram {
  const b = new GraphBuilder(registry);
  const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, 3]));
  const mask = b.placeholder('mask', GraphBuilder.tensor(ScalarType.BOOL, [2, 3]));
  const outputs = body(b, x, mask);
  b.output(outputs);
  const [px, pm] = b.graph.placeholders;
  return new ExportedProgram({
    graph: b.graph,
    signature: {
      inputs: [
        { kind: 'user_input', node: px!.id },
        { kind: 'user_input', node: pm!.id },
      ],
      outputs: outputs.map(() => ({ kind: 'user_output' as const })),
    },
  });
}

const targets = (p: ExportedProgram) => p.graph.nodes.filter((n) => n.kind === 'call').map((n) => n.target);
const cse = (p: ExportedProgram) => commonSubexpressionElimination.run(p, { registry });

const x = () => Tensor.fromArray(ScalarType.FLOAT, [2, 3], Float32Array.of(1, -2, 3, -4, 5, -6));
const mask = () => Tensor.fromArray(ScalarType.BOOL, [2, 3], Uint8Array.of(1, 0, 1, 1, 0, 0));
const run = (p: ExportedProgram) => evaluateProgram(p, [x(), mask()], { registry }).map((t) => Array.from((t as Tensor).data as Float32Array));

/** The per-layer additive mask of attention decompositions: where(mask, 0, -inf), added to scores. */
function layers(b: GraphBuilder, scores: NodeArgument, mask: NodeArgument, count: number): NodeArgument {
  let h = scores;
  for (let layer = 0; layer < count; layer++) {
    const scalar = (value: number) => b.opNamed('aten::scalar_tensor', [value], { dtype: ScalarType.FLOAT });
    h = b.op('aten::add.Tensor', h, b.op('aten::where.self', mask, scalar(0), scalar(-Infinity)));
  }
  return h;
}

describe('common-subexpression elimination', () => {
  it('merges identical pure operators, chains of them included, keeping the results', () => {
    const before = program((b, x, mask) => [layers(b, x, mask, 3)]);
    const after = cse(before);
    expect(targets(after)).toEqual([
      'aten::scalar_tensor',
      'aten::scalar_tensor',
      'aten::where.self',
      'aten::add.Tensor',
      'aten::add.Tensor',
      'aten::add.Tensor',
    ]);
    expect(run(after)).toEqual(run(before));
  });

  it('points the program outputs at the surviving node', () => {
    const after = cse(program((b, x) => [b.op('aten::neg', x), b.op('aten::neg', x)]));
    expect(targets(after)).toEqual(['aten::neg']);
    const output = after.graph.outputNode!;
    expect(output.args).toEqual([output.args[0], output.args[0]]);
    expect(run(after)).toEqual([
      [-1, 2, -3, 4, -5, 6],
      [-1, 2, -3, 4, -5, 6],
    ]);
  });

  it('does not merge operators with different arguments (0.0 and -0.0 included)', () => {
    const p = program((b, x) => [
      b.op('aten::mul.Scalar', x, 2),
      b.op('aten::mul.Scalar', x, 3),
      b.op('aten::add.Tensor', x, b.opNamed('aten::scalar_tensor', [0], { dtype: ScalarType.FLOAT })),
      b.op('aten::add.Tensor', x, b.opNamed('aten::scalar_tensor', [-0], { dtype: ScalarType.FLOAT })),
      b.op('aten::sum.dim_IntList', x, [0]),
      b.op('aten::sum.dim_IntList', x, [1]),
    ]);
    expect(cse(p)).toBe(p);
  });

  it('does not merge in-place operators, nor reads of a value written in between', () => {
    const p = program((b, x) => {
      const buffer = b.op('aten::clone', x);
      const before = b.op('aten::neg', buffer);
      const index = b.opNamed('aten::scalar_tensor', [1], { dtype: ScalarType.LONG });
      const row = b.op('aten::mul.Scalar', b.op('aten::select_copy.int', x, 0, 0), 2);
      b.op('aten::index_put_', buffer, [index], row);
      b.op('aten::index_put_', buffer, [index], row);
      const after = b.op('aten::neg', buffer);
      return [before, after];
    });
    const after = cse(p);
    expect(after).toBe(p);
    expect(targets(after).filter((t) => t === 'aten::index_put_')).toHaveLength(2);
    expect(run(after)).toEqual([
      [-1, 2, -3, 4, -5, 6],
      [-1, 2, -3, -2, 4, -6],
    ]);
  });

  it('does not merge reads of a value written through a view', () => {
    const p = program((b, x) => {
      const buffer = b.op('aten::clone', x);
      const before = b.op('aten::neg', buffer);
      b.op('aten::fill_.Scalar', b.op('aten::view', buffer, [6]), 7);
      return [before, b.op('aten::neg', buffer)];
    });
    expect(cse(p)).toBe(p);
  });

  it('does not merge operators that write an argument or return fresh memory', () => {
    const p = program((b, x) => {
      const value = b.op('aten::view_copy', x, [1, 2, 3, 1]);
      const cache = b.op('aten::clone', value);
      const first = b.op('llama::update_cache', value, cache, 0);
      const second = b.op('llama::update_cache', value, cache, 0);
      const empty = (): NodeArgument => b.opNamed('aten::empty.memory_format', [[2, 3]], { dtype: ScalarType.FLOAT });
      return [first, second, empty(), empty()];
    });
    expect(cse(p)).toBe(p);
  });
});
