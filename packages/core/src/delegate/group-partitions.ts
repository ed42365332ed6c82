/**
 * Groups the nodes a backend supports into as few convex partitions as possible, as torch's
 * capability-based partitioner does: walking the graph in order, each supported node joins the
 * partitions of its supported producers when the union stays convex, else the largest single one
 * that stays convex, else starts a new partition. Partitioners call this after deciding, per
 * node, what they support; it only computes tags.
 */

import { referencedNodes } from '../ir/argument.js';
import type { Graph, Node } from '../ir/graph.js';
import { findConvexityViolation } from './subgraph.js';

export function groupPartitions(graph: Graph, isSupported: (node: Node) => boolean): Map<number, number> {
  const partitionOf = new Map<number, number>();
  const members = new Map<number, Set<number>>();
  let next = 0;
  for (const node of graph.nodes) {
    if (node.kind !== 'call' || !isSupported(node)) continue;
    const producers = [
      ...new Set(node.args.flatMap((a) => [...referencedNodes(a)]).flatMap((r) => (partitionOf.has(r.node) ? [partitionOf.get(r.node)!] : []))),
    ];
    const candidates: number[][] = [];
    if (producers.length > 1) candidates.push(producers);
    for (const p of [...producers].sort((a, b) => members.get(b)!.size - members.get(a)!.size)) candidates.push([p]);
    let joined: number | undefined;
    for (const group of candidates) {
      const union = new Set<number>([node.id]);
      for (const p of group) for (const id of members.get(p)!) union.add(id);
      if (findConvexityViolation(graph, union)) continue;
      joined = group[0]!;
      for (const p of group.slice(1)) {
        for (const id of members.get(p)!) partitionOf.set(id, joined);
        for (const id of members.get(p)!) members.get(joined)!.add(id);
        members.delete(p);
      }
      break;
    }
    if (joined === undefined) {
      joined = next++;
      members.set(joined, new Set());
    }
    members.get(joined)!.add(node.id);
    partitionOf.set(node.id, joined);
  }
  return partitionOf;
}
