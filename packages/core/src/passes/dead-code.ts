/**
 * Removes call nodes whose results nothing uses, then parameters and constants nothing reads.
 * In-place and out-variant calls write memory someone may read later, so only side-effect-free
 * nodes (functional and scalar operators) are removed.
 */

import { referencedNodes } from '../ir/argument.js';
import type { Node } from '../ir/graph.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { Pass } from './pass.js';

function isPure(node: Node, registry: OperatorRegistry): boolean {
  if (node.kind !== 'call') return false;
  const kind = registry.find(node.target!)?.kind;
  return kind === 'functional' || kind === 'scalar';
}

export const deadCodeElimination: Pass = {
  name: 'dead-code-elimination',
  run(program, { registry }) {
    const graph = program.graph.clone();
    const used = new Set<number>();
    const nodes = graph.nodes;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.kind === 'placeholder') continue;
      if (isPure(node, registry) && !used.has(node.id)) continue;
      for (const arg of node.args) for (const r of referencedNodes(arg)) used.add(r.node);
    }
    for (const node of [...graph.nodes].reverse()) {
      if (isPure(node, registry) && !used.has(node.id)) graph.remove(node);
    }
    const removable = new Set(
      program.signature.inputs.filter((spec) => (spec.kind === 'parameter' || spec.kind === 'constant') && !used.has(spec.node)).map((s) => s.node),
    );
    if (removable.size === 0) return program.with({ graph });
    for (const id of removable) graph.remove(graph.node(id));
    const inputs = program.signature.inputs.filter((spec) => !removable.has(spec.node));
    const keep = new Set(inputs.map((s) => s.target));
    const constants = new Map([...program.constants].filter(([name]) => keep.has(name)));
    return program.with({ graph, signature: { inputs, outputs: program.signature.outputs }, constants });
  },
};
