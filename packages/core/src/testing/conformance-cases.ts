/**
 * Programs every delegate is checked on. Each is small and built from core operators; together
 * they cover what LLM graphs hand to delegates: elementwise arithmetic with broadcasting and
 * scalars, linear layers with and without bias, matrix products, activations, normalization and
 * attention. A delegate that takes none of a case's nodes passes it as "ran, but undelegated".
 */

import { GraphBuilder } from '../ir/builder.js';
import type { NodeArgument } from '../ir/argument.js';
import { ExportedProgram, type ConstantData, type InputSpec } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { ScalarType } from '../scalar-type.js';

export interface ConformanceCase {
  readonly name: string;
  build(registry: OperatorRegistry): { program: ExportedProgram; inputs: Tensor[] };
}

/** Deterministic pseudo-random floats in [-1, 1) (xorshift32), so failures reproduce. */
export function seededFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

function randomTensor(shape: number[], seed: number): Tensor {
  return Tensor.fromArray(ScalarType.FLOAT, shape, seededFloats(shape.reduce((n, d) => n * d, 1), seed));
}

class CaseBuilder {
  readonly b: GraphBuilder;
  private readonly specs: InputSpec[] = [];
  private readonly constants = new Map<string, ConstantData>();
  readonly inputs: Tensor[] = [];
  private seed = 7;

  constructor(registry: OperatorRegistry) {
    this.b = new GraphBuilder(registry);
  }

  input(name: string, shape: number[]): NodeArgument {
    const ref = this.b.placeholder(name, GraphBuilder.tensor(ScalarType.FLOAT, shape));
    this.specs.push({ kind: 'user_input', node: ref.node });
    this.inputs.push(randomTensor(shape, this.seed++));
    return ref;
  }

  weight(name: string, shape: number[]): NodeArgument {
    const ref = this.b.placeholder(name, GraphBuilder.tensor(ScalarType.FLOAT, shape));
    this.specs.push({ kind: 'parameter', node: ref.node, target: name });
    const tensor = randomTensor(shape, this.seed++ * 31);
    this.constants.set(name, { dtype: ScalarType.FLOAT, shape, read: () => tensor });
    return ref;
  }

  finish(outputs: NodeArgument[]): { program: ExportedProgram; inputs: Tensor[] } {
    this.b.output(outputs);
    const program = new ExportedProgram({
      graph: this.b.graph,
      signature: { inputs: this.specs, outputs: outputs.map(() => ({ kind: 'user_output' as const })) },
      constants: this.constants,
    });
    return { program, inputs: this.inputs };
  }
}

function defineCase(name: string, body: (c: CaseBuilder) => NodeArgument[]): ConformanceCase {
  return {
    name,
    build(registry) {
      const c = new CaseBuilder(registry);
      return c.finish(body(c));
    },
  };
}

export function conformanceCases(): ConformanceCase[] {
  return [
    defineCase('add', (c) => [c.b.op('aten::add.Tensor', c.input('x', [2, 8]), c.input('y', [2, 8]))]),
    defineCase('add-broadcast-constant', (c) => [c.b.op('aten::add.Tensor', c.input('x', [3, 4, 8]), c.weight('bias', [8]))]),
    defineCase('sub-alpha', (c) => [c.b.opNamed('aten::sub.Tensor', [c.input('x', [4, 4]), c.input('y', [4, 4])], { alpha: 2 })]),
    defineCase('mul-scalar-chain', (c) => {
      const x = c.input('x', [2, 16]);
      return [c.b.op('aten::add.Tensor', c.b.op('aten::mul.Scalar', x, 0.5), c.b.op('aten::mul.Tensor', x, x))];
    }),
    defineCase('linear', (c) => [c.b.op('aten::linear', c.input('x', [1, 3, 16]), c.weight('w', [8, 16]), null)]),
    defineCase('linear-bias', (c) => [c.b.op('aten::linear', c.input('x', [5, 16]), c.weight('w', [12, 16]), c.weight('b', [12]))]),
    defineCase('mm', (c) => [c.b.op('aten::mm', c.input('x', [4, 8]), c.input('y', [8, 6]))]),
    defineCase('bmm', (c) => [c.b.op('aten::bmm', c.input('x', [2, 4, 8]), c.input('y', [2, 8, 3]))]),
    defineCase('silu-gate', (c) => {
      const x = c.input('x', [1, 2, 16]);
      const gate = c.b.op('aten::linear', x, c.weight('gate', [24, 16]), null);
      const up = c.b.op('aten::linear', x, c.weight('up', [24, 16]), null);
      return [c.b.op('aten::linear', c.b.op('aten::mul.Tensor', c.b.op('aten::silu', gate), up), c.weight('down', [16, 24]), null)];
    }),
    defineCase('softmax', (c) => [c.b.op('aten::_softmax', c.input('x', [2, 3, 10]), -1, false)]),
    defineCase('rms-norm', (c) => {
      const x = c.input('x', [1, 3, 16]);
      const variance = c.b.op('aten::mean.dim', c.b.op('aten::pow.Tensor_Scalar', x, 2), [-1], true);
      const normed = c.b.op('aten::mul.Tensor', x, c.b.op('aten::rsqrt', c.b.op('aten::add.Scalar', variance, 1e-6)));
      return [c.b.op('aten::mul.Tensor', c.weight('w', [16]), normed)];
    }),
    defineCase('attention-gqa', (c) => {
      const q = c.input('q', [1, 4, 3, 8]);
      const k = c.input('k', [1, 2, 6, 8]);
      const v = c.input('v', [1, 2, 6, 8]);
      return [c.b.opNamed('aten::scaled_dot_product_attention', [q, k, v], { enable_gqa: true })];
    }),
  ];
}
