import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { ScalarType } from '../scalar-type.js';
import { evaluateProgram } from './evaluate.js';

describe('evaluateProgram', () => {
  it('evaluates a small arithmetic graph with broadcasting and scalar operands', () => {
    const registry = createOperatorRegistry(coreOperators());
    const b = new GraphBuilder(registry);
    const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2, 3]));
    const y = b.placeholder('y', GraphBuilder.tensor(ScalarType.FLOAT, [3]));
    const product = b.op('aten::mul.Tensor', x, y);
    const shifted = b.op('aten::add.Scalar', product, 0.5);
    const result = b.opNamed('aten::sub.Tensor', [shifted, x], { alpha: 2 });
    b.output([result]);
    const program = new ExportedProgram({
      graph: b.graph,
      signature: {
        inputs: b.graph.placeholders.map((p) => ({ kind: 'user_input' as const, node: p.id })),
        outputs: [{ kind: 'user_output' }],
      },
    });
    expect(b.meta(result).shape).toEqual([2, 3]);
    const [out] = evaluateProgram(
      program,
      [Tensor.fromArray(ScalarType.FLOAT, [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)), Tensor.fromArray(ScalarType.FLOAT, [3], Float32Array.of(10, 20, 30))],
      { registry },
    );
    // x*y + 0.5 - 2x
    expect(Array.from((out as Tensor).data as Float32Array)).toEqual([8.5, 36.5, 84.5, 32.5, 90.5, 168.5]);
  });

  it('promotes an int64 tensor with a float scalar to float32', () => {
    const registry = createOperatorRegistry(coreOperators());
    const b = new GraphBuilder(registry);
    const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.LONG, [2]));
    const r = b.op('aten::mul.Scalar', x, 1.5);
    expect(b.dtype(r)).toBe(ScalarType.FLOAT);
  });
});
