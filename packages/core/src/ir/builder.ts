/**
 * Builds graphs op by op: arguments are normalized against the operator's schema and output
 * metas are inferred by the registry as each node is added, so a shape error surfaces at the
 * line of model code that caused it, with the node's source path in the message.
 */

import { InvalidArgumentError } from '../errors.js';
import type { MetaValue } from '../ops/meta-args.js';
import { MetaArgs } from '../ops/meta-args.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { ScalarType } from '../scalar-type.js';
import { type Argument, type NodeArgument, int, ref } from './argument.js';
import { Graph, type Node, outputsOf } from './graph.js';
import { type TensorMeta, type ValueMeta, tensorMeta } from './meta.js';
import { type BuilderValue, normalizeArguments } from './normalize.js';
import type { Dim } from './sym.js';

/** Describes a graph argument as a `MetaValue` for shape inference. */
export function metaValueOfArgument(graph: Graph, arg: Argument): MetaValue {
  switch (arg.kind) {
    case 'node': {
      const meta = graph.metaOf(arg);
      switch (meta.kind) {
        case 'tensor':
          return { kind: 'tensor', meta };
        case 'symint':
          return { kind: 'int', value: meta.value };
        case 'tensor_list':
          return { kind: 'list', items: meta.items.map((m) => ({ kind: 'tensor', meta: m }) as const) };
        case 'none':
          return { kind: 'none' };
        default:
          return { kind: 'unknown_scalar', type: meta.kind };
      }
    }
    case 'list':
      return { kind: 'list', items: arg.items.map((item) => metaValueOfArgument(graph, item)) };
    default:
      return arg;
  }
}

export function inferNodeOutputs(graph: Graph, registry: OperatorRegistry, target: string, args: readonly Argument[], where?: string): ValueMeta[] {
  const def = registry.get(target);
  return def.inferMeta(new MetaArgs(def.schema, args.map((a) => metaValueOfArgument(graph, a)), where));
}

export class GraphBuilder {
  private readonly scopes: string[] = [];

  constructor(
    readonly registry: OperatorRegistry,
    readonly graph: Graph = new Graph(),
    /** Insert new nodes before this node instead of at the end (used by rewriting passes). */
    private readonly before?: Node,
  ) {}

  /** Runs `body` with node names and `meta.source` prefixed by `name` (a module path). */
  scope<T>(name: string, body: () => T): T {
    this.scopes.push(name);
    try {
      return body();
    } finally {
      this.scopes.pop();
    }
  }

  get currentScope(): string {
    return this.scopes.join('.');
  }

  placeholder(name: string, meta: ValueMeta): NodeArgument {
    return this.graph.addPlaceholder(name, meta);
  }

  /** Adds a call node and returns a reference to each of its outputs. */
  call(target: string, positional: readonly BuilderValue[], named: Readonly<Record<string, BuilderValue>> = {}, name?: string): NodeArgument[] {
    const def = this.registry.get(target);
    const args = normalizeArguments(def.schema, positional, named);
    const source = this.currentScope;
    const nodeName = name ?? (source ? `${source}.${def.schema.name.replace(/^.*::/, '')}` : undefined);
    const outputs = inferNodeOutputs(this.graph, this.registry, target, args, nodeName ?? target);
    const node = this.graph.addCall(target, args, outputs, {
      ...(nodeName ? { name: nodeName } : {}),
      meta: source ? { source } : {},
      ...(this.before ? { before: this.before } : {}),
    });
    return outputsOf(node);
  }

  /** `call` for single-output operators. */
  op(target: string, ...positional: BuilderValue[]): NodeArgument {
    const [first] = this.call(target, positional);
    if (!first) throw new InvalidArgumentError(target, 'has no outputs');
    return first;
  }

  /** `call` for single-output operators with named arguments. */
  opNamed(target: string, positional: readonly BuilderValue[], named: Readonly<Record<string, BuilderValue>>): NodeArgument {
    const [first] = this.call(target, positional, named);
    if (!first) throw new InvalidArgumentError(target, 'has no outputs');
    return first;
  }

  output(values: readonly Argument[]): Node {
    return this.graph.setOutput([...values]);
  }

  meta(value: NodeArgument): TensorMeta {
    return this.graph.tensorMetaOf(value);
  }

  shape(value: NodeArgument): readonly Dim[] {
    return this.meta(value).shape;
  }

  dtype(value: NodeArgument): ScalarType {
    return this.meta(value).dtype;
  }

  /**
   * Size of `dim` of `value` as an argument: a literal int when static, otherwise an
   * `aten::sym_size.int` node whose value the runtime fills in.
   */
  size(value: NodeArgument, dim: number): Argument {
    const shape = this.shape(value);
    const d = shape[dim < 0 ? dim + shape.length : dim];
    if (d === undefined) throw new InvalidArgumentError('size', `dim ${dim} out of range for rank ${shape.length}`);
    if (typeof d === 'number') return int(d);
    return this.op('aten::sym_size.int', value, int(dim < 0 ? dim + shape.length : dim));
  }

  /** A fresh tensor placeholder meta helper. */
  static tensor(dtype: ScalarType, shape: readonly Dim[]): TensorMeta {
    return tensorMeta(dtype, shape);
  }

  static ref = ref;
}
