/**
 * The graph a model builder writes into: a `GraphBuilder` plus the parameters, constants and
 * buffers behind its placeholders, and typed helpers for the aten operators decoder graphs use.
 * Keeping every operator name and argument order here lets the architecture code read like the
 * transformers modeling code it mirrors.
 */

import {
  type Argument,
  type BufferData,
  type ConstantData,
  ExportedProgram,
  GraphBuilder,
  type InputSpec,
  type MetadataValue,
  type NodeArgument,
  type OperatorRegistry,
  type OutputSpec,
  ScalarType,
  type SymbolTable,
  Tensor,
  type ValueMeta,
  int,
} from '@etch/core';
import { readNumbers, writeNumbers } from '@etch/core/kernels';
import type { WeightSource } from '../model-contract.js';

/** A checkpoint tensor read lazily and converted to the model's dtype on read. */
function weightConstant(weights: WeightSource, name: string, dtype: ScalarType): ConstantData {
  // The shape is needed now, the data only when the constant is read.
  const shape = [...(weights.describe ? weights.describe(name).shape : weights.get(name).shape)];
  return {
    dtype,
    shape,
    read: () => {
      const tensor = weights.get(name);
      if (tensor.dtype === dtype) return tensor;
      const converted = Tensor.zeros(dtype, tensor.shape);
      writeNumbers(converted, readNumbers(tensor));
      return converted;
    },
  };
}

function placeholderName(fullyQualifiedName: string): string {
  return fullyQualifiedName.replace(/[^A-Za-z0-9_]/g, '_');
}

export class ModelGraph {
  readonly builder: GraphBuilder;
  private readonly roles = new Map<number, InputSpec>();
  private readonly constants = new Map<string, ConstantData>();
  private readonly buffers = new Map<string, BufferData>();
  /** Placeholders of parameters and constants by fully qualified name. */
  private readonly parameterNodes = new Map<string, NodeArgument>();

  constructor(
    readonly registry: OperatorRegistry,
    private readonly weights: WeightSource,
    /** The dtype activations and weights are computed in. */
    readonly dtype: ScalarType,
  ) {
    this.builder = new GraphBuilder(registry);
  }

  /** A user input (`input_ids`, `cache_position`). */
  input(name: string, meta: ValueMeta): NodeArgument {
    const node = this.builder.placeholder(name, meta);
    this.roles.set(node.node, { kind: 'user_input', node: node.node });
    return node;
  }

  hasWeight(name: string): boolean {
    return this.weights.has(name);
  }

  /** A checkpoint tensor as a parameter placeholder (created once per name). */
  parameter(name: string): NodeArgument {
    const existing = this.parameterNodes.get(name);
    if (existing) return existing;
    const data = weightConstant(this.weights, name, this.dtype);
    const node = this.builder.placeholder(`p_${placeholderName(name)}`, GraphBuilder.tensor(data.dtype, data.shape));
    this.constants.set(name, data);
    this.roles.set(node.node, { kind: 'parameter', node: node.node, target: name });
    this.parameterNodes.set(name, node);
    return node;
  }

  /**
   * A tensor computed at export time (rotary frequencies, key positions), lifted as a constant.
   * The first tensor given a name is kept: later calls with that name return its placeholder.
   */
  constant(name: string, tensor: Tensor): NodeArgument {
    const existing = this.parameterNodes.get(name);
    if (existing) return existing;
    const node = this.builder.placeholder(`c_${placeholderName(name)}`, GraphBuilder.tensor(tensor.dtype, tensor.shape));
    this.constants.set(name, { dtype: tensor.dtype, shape: [...tensor.shape], read: () => tensor });
    this.roles.set(node.node, { kind: 'constant', node: node.node, target: name });
    this.parameterNodes.set(name, node);
    return node;
  }

  /** A zero-initialised mutable buffer (a KV cache). */
  mutableBuffer(name: string, dtype: ScalarType, shape: readonly number[]): NodeArgument {
    const node = this.builder.placeholder(`b_${placeholderName(name)}`, GraphBuilder.tensor(dtype, shape));
    this.buffers.set(name, { dtype, shape: [...shape], mutable: true, initial: null });
    this.roles.set(node.node, { kind: 'buffer', node: node.node, target: name });
    return node;
  }

  /** Finishes the graph: buffer mutations first, then the user outputs, as torch.export orders them. */
  finish(options: {
    mutations: readonly { buffer: string; value: NodeArgument }[];
    outputs: readonly { name: string; value: NodeArgument }[];
    symbols: SymbolTable;
    metadata: Readonly<Record<string, MetadataValue>>;
    namedData: ReadonlyMap<string, Uint8Array>;
  }): ExportedProgram {
    const values: Argument[] = [...options.mutations.map((m) => m.value), ...options.outputs.map((o) => o.value)];
    this.builder.output(values);
    const outputs: OutputSpec[] = [
      ...options.mutations.map((m) => ({ kind: 'buffer_mutation' as const, target: m.buffer })),
      ...options.outputs.map(() => ({ kind: 'user_output' as const })),
    ];
    const inputs = this.builder.graph.placeholders.map((node) => this.roles.get(node.id)!);
    return new ExportedProgram({
      graph: this.builder.graph,
      signature: { inputs, outputs },
      constants: this.constants,
      buffers: this.buffers,
      symbols: options.symbols,
      metadata: options.metadata,
      namedData: options.namedData,
      outputNames: options.outputs.map((o) => o.name),
    });
  }

  // Operators, in the order of the transformers code that uses them.

  embedding(weight: NodeArgument, indices: NodeArgument): NodeArgument {
    return this.builder.op('aten::embedding', weight, indices);
  }

  linear(input: NodeArgument, weight: NodeArgument, bias: NodeArgument | null): NodeArgument {
    return this.builder.op('aten::linear', input, weight, bias);
  }

  /** `view` with -1 for the one dimension inferred (the sequence length when it is symbolic). */
  view(input: NodeArgument, shape: readonly number[]): NodeArgument {
    return this.builder.op('aten::view_copy', input, shape.map((d) => int(d)));
  }

  transpose(input: NodeArgument, first: number, second: number): NodeArgument {
    return this.builder.op('aten::transpose_copy.int', input, first, second);
  }

  unsqueeze(input: NodeArgument, dim: number): NodeArgument {
    return this.builder.op('aten::unsqueeze_copy', input, dim);
  }

  /** `input[..., start:end]` along `dim`. */
  slice(input: NodeArgument, dim: number, start: number, end: number): NodeArgument {
    return this.builder.op('aten::slice_copy.Tensor', input, dim, int(start), int(end));
  }

  select(input: NodeArgument, dim: number, index: number): NodeArgument {
    return this.builder.op('aten::select_copy.int', input, dim, int(index));
  }

  cat(inputs: readonly NodeArgument[], dim: number): NodeArgument {
    return this.builder.op('aten::cat', [...inputs], dim);
  }

  expand(input: NodeArgument, shape: readonly number[]): NodeArgument {
    return this.builder.op('aten::expand_copy', input, shape.map((d) => int(d)));
  }

  add(a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::add.Tensor', a, b);
  }

  addScalar(a: NodeArgument, value: number): NodeArgument {
    return this.builder.op('aten::add.Scalar', a, value);
  }

  sub(a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::sub.Tensor', a, b);
  }

  mul(a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::mul.Tensor', a, b);
  }

  mulScalar(a: NodeArgument, value: number): NodeArgument {
    return this.builder.op('aten::mul.Scalar', a, value);
  }

  subScalar(a: NodeArgument, value: Argument): NodeArgument {
    return this.builder.op('aten::sub.Scalar', a, value);
  }

  divScalar(a: NodeArgument, value: number): NodeArgument {
    return this.builder.op('aten::div.Scalar', a, value);
  }

  neg(a: NodeArgument): NodeArgument {
    return this.builder.op('aten::neg', a);
  }

  unary(name: 'rsqrt' | 'tanh' | 'cos' | 'sin' | 'silu' | 'relu', a: NodeArgument): NodeArgument {
    return this.builder.op(`aten::${name}`, a);
  }

  gelu(a: NodeArgument, approximate: 'none' | 'tanh'): NodeArgument {
    return this.builder.opNamed('aten::gelu', [a], { approximate });
  }

  square(a: NodeArgument): NodeArgument {
    return this.builder.op('aten::pow.Tensor_Scalar', a, 2);
  }

  meanLastDim(a: NodeArgument): NodeArgument {
    return this.builder.op('aten::mean.dim', a, [int(-1)], true);
  }

  layerNorm(input: NodeArgument, size: number, weight: NodeArgument | null, bias: NodeArgument | null, eps: number): NodeArgument {
    return this.builder.op('aten::layer_norm', input, [int(size)], weight, bias, eps);
  }

  clamp(a: NodeArgument, min: number, max: number): NodeArgument {
    return this.builder.op('aten::clamp', a, min, max);
  }

  softmaxLastDim(a: NodeArgument): NodeArgument {
    return this.builder.op('aten::_softmax', a, -1, false);
  }

  bmm(a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::bmm', a, b);
  }

  where(condition: NodeArgument, a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::where.self', condition, a, b);
  }

  compare(name: 'le' | 'lt' | 'ge' | 'gt', a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op(`aten::${name}.Tensor`, a, b);
  }

  logicalAnd(a: NodeArgument, b: NodeArgument): NodeArgument {
    return this.builder.op('aten::logical_and', a, b);
  }

  toDtype(a: NodeArgument, dtype: ScalarType): NodeArgument {
    if (this.builder.dtype(a) === dtype) return a;
    return this.builder.opNamed('aten::_to_copy', [a], { dtype });
  }

  /** `index_put(cache, [None, None, positions], values)`: writes `values` at `positions` of dim 2. */
  indexPutAtDim2(cache: NodeArgument, positions: NodeArgument, values: NodeArgument): NodeArgument {
    return this.builder.op('aten::index_put', cache, [null, null, positions], values, false);
  }

  scaledDotProductAttention(query: NodeArgument, key: NodeArgument, value: NodeArgument, mask: NodeArgument, scale: number, groupedQuery: boolean): NodeArgument {
    return this.builder.opNamed('aten::scaled_dot_product_attention', [query, key, value, mask], { scale, enable_gqa: groupedQuery });
  }

  shape(value: NodeArgument) {
    return this.builder.shape(value);
  }
}
