/**
 * What support rules look at: the graph, which placeholders are constants (weights), each
 * node's users, and small questions about argument values (fp32 tensor? static shape? constant?).
 */

import { type Argument, type ExportedProgram, type Graph, type Node, ScalarType, isStaticShape } from '@etch/core';

/** Facts about one program for support rules and lowerings. */
export class SupportContext {
  readonly graph: Graph;
  private readonly constants: Map<number, string>;
  private readonly users: Map<number, Node[]>;

  constructor(readonly program: ExportedProgram) {
    this.graph = program.graph;
    this.constants = new Map(program.signature.inputs.filter((s) => s.kind === 'parameter' || s.kind === 'constant').map((s) => [s.node, s.target!]));
    this.users = program.graph.userMap();
  }

  /** The call node an argument refers to, if it is one. */
  producer(arg: Argument | undefined): Node | undefined {
    if (arg?.kind !== 'node') return undefined;
    const node = this.graph.node(arg.node);
    return node.kind === 'call' ? node : undefined;
  }

  usersOf(node: Node): readonly Node[] {
    return this.users.get(node.id) ?? [];
  }

  /** Whether the argument is a constant placeholder (a parameter or lifted constant). */
  isConstant(arg: Argument | undefined): boolean {
    return arg?.kind === 'node' && this.constants.has(arg.node);
  }

  /** The constant's name in `program.constants`, for a constant placeholder argument. */
  constantTarget(arg: Argument | undefined): string | undefined {
    return arg?.kind === 'node' ? this.constants.get(arg.node) : undefined;
  }

  /** The tensor dtype and shape of an argument, or undefined when it is not a tensor. */
  tensor(arg: Argument | undefined): { dtype: ScalarType; shape: readonly unknown[] } | undefined {
    if (arg?.kind !== 'node') return undefined;
    const meta = this.graph.metaOf(arg);
    return meta.kind === 'tensor' ? meta : undefined;
  }

  isFloatTensor(arg: Argument | undefined): boolean {
    return this.tensor(arg)?.dtype === ScalarType.FLOAT;
  }

  /** Whether every output of the node is an fp32 tensor. */
  producesFloat(node: Node): boolean {
    return node.outputs.length > 0 && node.outputs.every((meta) => meta.kind === 'tensor' && meta.dtype === ScalarType.FLOAT);
  }

  /** The rank of a tensor argument (undefined when not a tensor). */
  rank(arg: Argument | undefined): number | undefined {
    return this.tensor(arg)?.shape.length;
  }

  /** The static shape of a tensor argument, or undefined when any dimension is symbolic. */
  staticShape(arg: Argument | undefined): readonly number[] | undefined {
    const meta = arg?.kind === 'node' ? this.graph.metaOf(arg) : undefined;
    return meta?.kind === 'tensor' && isStaticShape(meta.shape) ? meta.shape : undefined;
  }
}

/** The number of a scalar argument, or undefined. */
export function numberOf(arg: Argument | undefined): number | undefined {
  return arg?.kind === 'int' || arg?.kind === 'float' ? arg.value : undefined;
}
