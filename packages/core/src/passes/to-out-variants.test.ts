import { describe, expect, it } from 'vitest';
import { evaluateProgram } from '../evaluator/evaluate.js';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { ScalarType } from '../scalar-type.js';
import { toOutVariants } from './to-out-variants.js';

const registry = createOperatorRegistry(coreOperators());

describe('to-out-variants', () => {
  it('drops a dtype argument the out tensor carries (_to_copy → _to_copy.out)', () => {
    const builder = new GraphBuilder(registry);
    const x = builder.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [3]));
    builder.output([builder.opNamed('aten::_to_copy', [x], { dtype: ScalarType.HALF })]);
    const program = new ExportedProgram({
      graph: builder.graph,
      signature: { inputs: [{ kind: 'user_input', node: x.node }], outputs: [{ kind: 'user_output' }] },
    });
    const lowered = toOutVariants.run(program, { registry });
    const calls = lowered.graph.nodes.filter((n) => n.kind === 'call');
    expect(calls.map((n) => n.target)).toEqual(['etch::alloc', 'aten::_to_copy.out']);
    const [out] = evaluateProgram(lowered, [Tensor.fromArray(ScalarType.FLOAT, [3], Float32Array.of(1, 0.5, -2))], { registry });
    expect((out as Tensor).dtype).toBe(ScalarType.HALF);
    expect(Array.from((out as Tensor).data as Uint16Array)).toEqual([0x3c00, 0x3800, 0xc000]);
  });
});
