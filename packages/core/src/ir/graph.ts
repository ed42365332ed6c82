/**
 * The graph: an ordered list of nodes in SSA form, like torch.fx. `placeholder` nodes are the
 * program's inputs (user inputs, parameters, buffers), `call` nodes apply a registered operator,
 * and the single `output` node lists what the program returns. Node order is a valid execution
 * order at all times; passes keep it that way.
 */

import { InvalidArgumentError } from '../errors.js';
import { type Argument, type NodeArgument, mapReferences, ref, referencedNodes } from './argument.js';
import type { TensorMeta, ValueMeta } from './meta.js';

export type NodeKind = 'placeholder' | 'call' | 'output';

/** Tag a partitioner puts on a node it claims for a delegate. Nothing else may change. */
export interface DelegationTag {
  readonly backendId: string;
  /** Nodes with the same backend id and partition number form one delegated subgraph. */
  readonly partition: number;
}

export interface NodeMeta {
  delegation?: DelegationTag;
  /** Where the node came from, e.g. `model.layers.3.self_attn.q_proj`. */
  source?: string;
  [key: string]: unknown;
}

export interface Node {
  readonly id: number;
  readonly kind: NodeKind;
  name: string;
  /** Operator key (`aten::add.Tensor`) for call nodes. */
  target: string | undefined;
  /** Arguments in schema order, defaults filled in (see `normalizeArguments`). */
  args: Argument[];
  outputs: ValueMeta[];
  meta: NodeMeta;
}

export class Graph {
  private readonly order: Node[] = [];
  private readonly byId = new Map<number, Node>();
  private readonly names = new Set<string>();
  private nextId = 0;

  get nodes(): readonly Node[] {
    return this.order;
  }

  node(id: number): Node {
    const node = this.byId.get(id);
    if (!node) throw new InvalidArgumentError('node', `no node with id ${id}`);
    return node;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** Meta of the value an argument refers to. */
  metaOf(arg: NodeArgument): ValueMeta {
    const meta = this.node(arg.node).outputs[arg.output];
    if (!meta) throw new InvalidArgumentError('argument', `node ${this.node(arg.node).name} has no output ${arg.output}`);
    return meta;
  }

  tensorMetaOf(arg: NodeArgument): TensorMeta {
    const meta = this.metaOf(arg);
    if (meta.kind !== 'tensor') throw new InvalidArgumentError('argument', `${this.node(arg.node).name} is a ${meta.kind}, not a tensor`);
    return meta;
  }

  get outputNode(): Node | undefined {
    const last = this.order[this.order.length - 1];
    return last?.kind === 'output' ? last : undefined;
  }

  get placeholders(): Node[] {
    return this.order.filter((n) => n.kind === 'placeholder');
  }

  /** A unique name derived from `base` (`mul`, `mul_1`, …). */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    return name;
  }

  /** Adds a placeholder after the existing ones (placeholders always precede call nodes). */
  addPlaceholder(name: string, meta: ValueMeta): NodeArgument {
    let index = 0;
    while (index < this.order.length && this.order[index]!.kind === 'placeholder') index++;
    return ref(this.insert({ kind: 'placeholder', name, target: undefined, args: [], outputs: [meta], meta: {} }, index).id);
  }

  /**
   * Appends a call node (or inserts it before `before`). Returns the node; use `ref(node.id, i)`
   * or `outputsOf` to reference its results.
   */
  addCall(target: string, args: Argument[], outputs: ValueMeta[], options: { name?: string; meta?: NodeMeta; before?: Node } = {}): Node {
    for (const arg of args) for (const r of referencedNodes(arg)) this.node(r.node);
    const index = options.before ? this.indexOf(options.before) : this.outputNode ? this.order.length - 1 : this.order.length;
    const base = options.name ?? target.replace(/^.*::/, '').replace(/\..*$/, '');
    return this.insert({ kind: 'call', name: base, target, args, outputs, meta: { ...options.meta } }, index);
  }

  setOutput(values: Argument[]): Node {
    const existing = this.outputNode;
    if (existing) {
      existing.args = values;
      return existing;
    }
    return this.insert({ kind: 'output', name: 'output', target: undefined, args: values, outputs: [], meta: {} }, this.order.length);
  }

  indexOf(node: Node): number {
    const i = this.order.indexOf(node);
    if (i < 0) throw new InvalidArgumentError('node', `${node.name} is not in this graph`);
    return i;
  }

  /** Nodes that use any output of `node`. */
  users(node: Node): Node[] {
    return this.order.filter((n) => n.args.some((a) => [...referencedNodes(a)].some((r) => r.node === node.id)));
  }

  /** Map from node id to the nodes using it, built in one sweep. */
  userMap(): Map<number, Node[]> {
    const map = new Map<number, Node[]>();
    for (const n of this.order) {
      for (const a of n.args) {
        for (const r of referencedNodes(a)) {
          const users = map.get(r.node) ?? [];
          if (!users.includes(n)) users.push(n);
          map.set(r.node, users);
        }
      }
    }
    return map;
  }

  /** Points every use of `from` (any of its outputs, or just output `output`) at `to`. */
  replaceAllUses(from: NodeArgument, to: Argument): void {
    for (const n of this.order) {
      n.args = n.args.map((a) =>
        mapReferences(a, (r) => (r.node === from.node && r.output === from.output ? to : r)),
      );
    }
  }

  /** Removes a node that nothing uses any more. */
  remove(node: Node): void {
    const users = this.users(node);
    if (users.length) {
      throw new InvalidArgumentError('node', `cannot remove ${node.name}: still used by ${users.map((u) => u.name).join(', ')}`);
    }
    this.order.splice(this.indexOf(node), 1);
    this.byId.delete(node.id);
    this.names.delete(node.name);
  }

  /** Moves `node` so it sits immediately before `anchor` (callers keep the order valid). */
  moveBefore(node: Node, anchor: Node): void {
    this.order.splice(this.indexOf(node), 1);
    this.order.splice(this.indexOf(anchor), 0, node);
  }

  /**
   * A graph from nodes with given ids (a deserialized graph). Checks that ids are unique, that
   * every reference points at an earlier node, and that placeholders come first.
   */
  static fromNodes(nodes: readonly Node[]): Graph {
    const graph = new Graph();
    let seenCall = false;
    for (const n of nodes) {
      if (graph.byId.has(n.id)) throw new InvalidArgumentError('graph', `duplicate node id ${n.id}`);
      if (n.kind === 'placeholder' && seenCall) throw new InvalidArgumentError('graph', `placeholder ${n.name} after a call node`);
      if (n.kind !== 'placeholder') seenCall = true;
      for (const a of n.args) for (const r of referencedNodes(a)) graph.node(r.node);
      const node: Node = { ...n, args: [...n.args], outputs: [...n.outputs], meta: { ...n.meta }, name: graph.uniqueName(n.name) };
      graph.order.push(node);
      graph.byId.set(node.id, node);
      graph.names.add(node.name);
      graph.nextId = Math.max(graph.nextId, node.id + 1);
    }
    return graph;
  }

  /** A deep copy with the same node ids. */
  clone(): Graph {
    const copy = new Graph();
    copy.nextId = this.nextId;
    for (const n of this.order) {
      const node: Node = { ...n, args: n.args.map((a) => mapReferences(a, (r) => r)), outputs: [...n.outputs], meta: { ...n.meta } };
      copy.order.push(node);
      copy.byId.set(node.id, node);
      copy.names.add(node.name);
    }
    return copy;
  }

  private insert(partial: Omit<Node, 'id'>, index: number): Node {
    const node: Node = { ...partial, id: this.nextId++, name: this.uniqueName(partial.name) };
    this.order.splice(index, 0, node);
    this.byId.set(node.id, node);
    this.names.add(node.name);
    return node;
  }
}

/** References to every output of a node. */
export function outputsOf(node: Node): NodeArgument[] {
  return node.outputs.map((_, i) => ref(node.id, i));
}
