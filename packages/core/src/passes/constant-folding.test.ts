import { describe, expect, it } from 'vitest';
import { toExecutorch } from '../export/to-executorch.js';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { readPte } from '../pte/reader.js';
import { ScalarType } from '../scalar-type.js';
import { mockDelegate } from '../testing/mock-delegate.js';

const registry = createOperatorRegistry(coreOperators());

function constant(values: number[]) {
  return { dtype: ScalarType.FLOAT, shape: [values.length], read: () => Tensor.fromArray(ScalarType.FLOAT, [values.length], Float32Array.from(values)) };
}

/** y = x * (w + b): the add reads only parameters. */
function program(): ExportedProgram {
  const b = new GraphBuilder(registry);
  const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [2]));
  const w = b.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [2]));
  const bias = b.placeholder('b', GraphBuilder.tensor(ScalarType.FLOAT, [2]));
  b.output([b.op('aten::mul.Tensor', x, b.op('aten::add.Tensor', w, bias))]);
  const [px, pw, pb] = b.graph.placeholders;
  return new ExportedProgram({
    graph: b.graph,
    signature: {
      inputs: [
        { kind: 'user_input', node: px!.id },
        { kind: 'parameter', node: pw!.id, target: 'w' },
        { kind: 'parameter', node: pb!.id, target: 'b' },
      ],
      outputs: [{ kind: 'user_output' }],
    },
    constants: new Map([
      ['w', constant([1, 2])],
      ['b', constant([3, 4])],
    ]),
  });
}

describe('constant folding', () => {
  it('leaves a delegate call alone even when all its inputs are constants', async () => {
    const recipe = { name: 'mock', description: 'mock', delegates: [{ delegate: mockDelegate, options: { claimMul: false } }] };
    const artifact = await toExecutorch(program(), { recipe });
    const forward = readPte(artifact.bytes).executionPlans.find((plan) => plan.name === 'forward')!;
    expect(forward.delegates.map((delegate) => delegate.id)).toEqual(['EtchMockBackend']);
    expect(forward.chains[0]!.instructions.map((instruction) => instruction.kind)).toEqual(['DelegateCall', 'KernelCall']);
  });
});
