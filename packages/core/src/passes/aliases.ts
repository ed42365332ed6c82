/**
 * Which values share storage. After the `.out` conversion a node's result is its out argument,
 * an in-place node's result is its `self`, and a few operators are pure views; the memory planner
 * and the buffer write-back logic both need to follow these links to the value that owns memory.
 */

import type { NodeArgument } from '../ir/argument.js';
import type { Graph } from '../ir/graph.js';
import { outArgumentIndices } from '../ops/schema.js';
import type { OperatorRegistry } from '../ops/registry.js';

/** Operators whose output is a view of their first argument (no memory of their own). */
export const VIEW_OPERATORS = new Set(['executorch_prim::et_view.default']);

/** `node:output` key of a value. */
export function valueKey(ref: NodeArgument): string {
  return `${ref.node}:${ref.output}`;
}

/**
 * The value that owns the storage behind `ref`: follows out-variant results to their out
 * arguments, in-place results to `self`, and views to their source.
 */
export function storageRoot(graph: Graph, registry: OperatorRegistry, ref: NodeArgument): NodeArgument {
  let current = ref;
  for (let guard = 0; guard < 10_000; guard++) {
    const node = graph.node(current.node);
    if (node.kind !== 'call') return current;
    const def = registry.find(node.target!);
    if (!def) return current;
    let next: NodeArgument | undefined;
    if (def.kind === 'out') {
      const outs = outArgumentIndices(def.schema).flatMap((i) => {
        const a = node.args[i];
        return a?.kind === 'node' ? [a] : a?.kind === 'list' ? a.items.filter((x): x is NodeArgument => x.kind === 'node') : [];
      });
      next = outs[current.output];
    } else if (def.kind === 'inplace' || VIEW_OPERATORS.has(def.key)) {
      const self = node.args[0];
      if (self?.kind === 'node') next = self;
    }
    if (!next) return current;
    current = next;
  }
  return current;
}
