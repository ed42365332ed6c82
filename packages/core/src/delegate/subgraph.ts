/**
 * Cuts a tagged partition out of a graph as a standalone program and fuses it back as one
 * `etch::call_delegate` node. A partition must be convex (no path leaves it and comes back),
 * otherwise no single call could replace it; that is reported as the partitioner's error.
 */

import { EtchError } from '../errors.js';
import { type Argument, type NodeArgument, list, ref, referencedNodes } from '../ir/argument.js';
import { Graph, type Node } from '../ir/graph.js';
import type { ConstantData, ExportedProgram, InputSpec } from '../ir/program.js';
import { ExportedProgram as Program } from '../ir/program.js';
import { CALL_DELEGATE } from '../ops/etch/index.js';
import { valueKey } from '../passes/aliases.js';
import type { LoweredDelegate } from './lowered.js';

export interface Partition {
  readonly backendId: string;
  readonly number: number;
  /** Node ids in graph order. */
  readonly nodes: readonly number[];
}

export interface ExtractedSubgraph {
  readonly program: ExportedProgram;
  /** Values flowing in, in the subgraph's user-input order. */
  readonly inputs: readonly NodeArgument[];
  /** Values flowing out, in the subgraph's output order. */
  readonly outputs: readonly NodeArgument[];
}

function constantTargets(program: ExportedProgram): Map<number, InputSpec> {
  return new Map(program.signature.inputs.filter((s) => s.kind === 'parameter' || s.kind === 'constant').map((s) => [s.node, s]));
}

/**
 * A member that depends on an outside node which itself depends on the set, or undefined when
 * the set is convex (no path leaves it and comes back).
 */
export function findConvexityViolation(graph: Graph, members: ReadonlySet<number>): { member: number; via: number } | undefined {
  const positions = [...members].map((id) => graph.indexOf(graph.node(id)));
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  const tainted = new Set<number>();
  for (let i = first; i <= last; i++) {
    const node = graph.nodes[i]!;
    const refs = node.args.flatMap((a) => [...referencedNodes(a)]);
    if (members.has(node.id)) {
      const bad = refs.find((r) => tainted.has(r.node));
      if (bad) return { member: node.id, via: bad.node };
    } else if (refs.some((r) => members.has(r.node) || tainted.has(r.node))) {
      tainted.add(node.id);
    }
  }
  return undefined;
}

/** Throws unless the partition is convex. */
export function checkConvex(graph: Graph, partition: Partition): void {
  const violation = findConvexityViolation(graph, new Set(partition.nodes));
  if (violation) {
    throw new EtchError(
      'PARTITION_NOT_CONVEX',
      `${partition.backendId} partition ${partition.number} is not convex: ${graph.node(violation.member).name} depends on ${graph.node(violation.via).name}, which depends on the partition`,
      { hint: 'the partitioner must split such partitions (groupPartitions does)' },
    );
  }
}

export function extractSubgraph(program: ExportedProgram, partition: Partition): ExtractedSubgraph {
  const graph = program.graph;
  const members = new Set(partition.nodes);
  const constants = constantTargets(program);
  const inputs: NodeArgument[] = [];
  const parameters: NodeArgument[] = [];
  const seen = new Set<string>();
  for (const id of partition.nodes) {
    for (const arg of graph.node(id).args) {
      for (const r of referencedNodes(arg)) {
        if (members.has(r.node) || seen.has(valueKey(r))) continue;
        seen.add(valueKey(r));
        (constants.has(r.node) ? parameters : inputs).push(r);
      }
    }
  }
  const users = graph.userMap();
  const outputs: NodeArgument[] = [];
  for (const id of partition.nodes) {
    const node = graph.node(id);
    const external = (users.get(id) ?? []).filter((u) => !members.has(u.id));
    node.outputs.forEach((_, output) => {
      const r = ref(id, output);
      if (external.some((u) => u.args.some((a) => [...referencedNodes(a)].some((x) => x.node === id && x.output === output)))) outputs.push(r);
    });
  }

  const sub = new Graph();
  const mapping = new Map<string, NodeArgument>();
  const signatureInputs: InputSpec[] = [];
  const subConstants = new Map<string, ConstantData>();
  inputs.forEach((r, i) => {
    const placeholder = sub.addPlaceholder(`input_${i}`, graph.metaOf(r));
    mapping.set(valueKey(r), placeholder);
    signatureInputs.push({ kind: 'user_input', node: placeholder.node });
  });
  for (const r of parameters) {
    const spec = constants.get(r.node)!;
    const placeholder = sub.addPlaceholder(graph.node(r.node).name, graph.metaOf(r));
    mapping.set(valueKey(r), placeholder);
    signatureInputs.push({ kind: spec.kind, node: placeholder.node, target: spec.target! });
    subConstants.set(spec.target!, program.constants.get(spec.target!)!);
  }
  const remap = (arg: Argument): Argument => {
    if (arg.kind === 'node') return mapping.get(valueKey(arg)) ?? arg;
    if (arg.kind === 'list') return list(arg.items.map(remap));
    return arg;
  };
  for (const id of partition.nodes) {
    const node = graph.node(id);
    const copy = sub.addCall(node.target!, node.args.map(remap), node.outputs, { name: node.name, meta: { ...(node.meta.source ? { source: node.meta.source } : {}) } });
    node.outputs.forEach((_, output) => mapping.set(valueKey(ref(id, output)), ref(copy.id, output)));
  }
  sub.setOutput(outputs.map((r) => mapping.get(valueKey(r))!));
  const subProgram = new Program({
    graph: sub,
    signature: { inputs: signatureInputs, outputs: outputs.map(() => ({ kind: 'user_output' as const })) },
    constants: subConstants,
    symbols: program.symbols,
  });
  return { program: subProgram, inputs, outputs };
}

/**
 * Replaces the partition's nodes with one delegate call node; returns that node. `replaced`
 * maps values already replaced by earlier fusions in the same graph (a partition may consume
 * another's outputs) and receives this fusion's replacements.
 */
export function fusePartition(
  graph: Graph,
  partition: Partition,
  extracted: ExtractedSubgraph,
  lowered: LoweredDelegate,
  replaced: Map<string, NodeArgument>,
): Node {
  const members = new Set(partition.nodes);
  const lastMember = graph.node(partition.nodes[partition.nodes.length - 1]!);
  const firstIndex = graph.indexOf(graph.node(partition.nodes[0]!));
  const inputs = extracted.inputs.map((r) => replaced.get(valueKey(r)) ?? r);
  const fused = graph.addCall(CALL_DELEGATE, [list(inputs)], extracted.outputs.map((r) => graph.metaOf(r)), {
    name: `${lowered.backendId}_${partition.number}`,
    meta: { delegate: lowered },
    before: lastMember,
  });
  // Nodes between the partition's first and last member that use its results must now follow
  // the fused call; convexity guarantees none of them feeds the partition.
  const dependsOnPartition = new Set<number>(partition.nodes);
  const toMove: Node[] = [];
  for (let i = firstIndex; i < graph.indexOf(fused); i++) {
    const node = graph.nodes[i]!;
    if (members.has(node.id)) continue;
    if (node.args.some((a) => [...referencedNodes(a)].some((r) => dependsOnPartition.has(r.node)))) {
      dependsOnPartition.add(node.id);
      toMove.push(node);
    }
  }
  extracted.outputs.forEach((r, i) => {
    graph.replaceAllUses(r, ref(fused.id, i));
    replaced.set(valueKey(r), ref(fused.id, i));
  });
  const after = graph.nodes[graph.indexOf(fused) + 1]!;
  for (const node of toMove) graph.moveBefore(node, after);
  for (const id of [...partition.nodes].reverse()) graph.remove(graph.node(id));
  return fused;
}
