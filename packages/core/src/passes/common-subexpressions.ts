/**
 * Common-subexpression elimination: a call node with the same target and the same arguments as an
 * earlier one computes the same value, so its uses are pointed at the earlier node and it is
 * dropped. Decompositions repeat work per layer (every attention layer turns the one boolean mask
 * into the same additive 0/-inf mask); merging those leaves one kernel call per step instead of
 * one per layer.
 *
 * Only pure operators are merged: functional or scalar operators whose schema writes none of its
 * arguments, that are not random or fresh memory (`empty`, `etch::alloc`), and that are not
 * delegate calls (whose meaning is a payload the arguments do not show). A node is never merged
 * when it reads or produces a value something writes in place, directly or through a view, since
 * two reads of such a value may see different contents.
 */

import { type Argument, referencedNodes } from '../ir/argument.js';
import type { Graph, Node } from '../ir/graph.js';
import { CALL_DELEGATE } from '../ops/etch/delegate.js';
import { ALLOC } from '../ops/etch/memory.js';
import type { OperatorDefinition } from '../ops/definition.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { Pass } from './pass.js';

/** Operators whose result is not a function of their arguments: random draws and uninitialized memory. */
const NONDETERMINISTIC = new Set([
  'aten::bernoulli',
  'aten::dropout',
  'aten::empty',
  'aten::empty_like',
  'aten::empty_strided',
  'aten::multinomial',
  'aten::native_dropout',
  'aten::normal',
  'aten::rand',
  'aten::rand_like',
  'aten::randint',
  'aten::randint_like',
  'aten::randn',
  'aten::randn_like',
  'aten::randperm',
  'aten::uniform',
  ALLOC,
  CALL_DELEGATE,
]);

function isMergeable(definition: OperatorDefinition | undefined): definition is OperatorDefinition {
  if (!definition || (definition.kind !== 'functional' && definition.kind !== 'scalar')) return false;
  if (NONDETERMINISTIC.has(definition.schema.name)) return false;
  return definition.schema.args.every((arg) => !arg.type.mutable && arg.type.base !== 'Generator');
}

/** Whether an operator's result may share memory with its arguments (`view`, `alias`, `et_view`, …). */
function returnsAlias(definition: OperatorDefinition): boolean {
  return definition.schema.returns.some((ret) => ret.type.alias !== undefined);
}

/**
 * Ids of nodes whose values something writes in place: arguments in a mutable position, and
 * everything sharing memory with those through alias-returning operators (both ways, to a fixpoint).
 */
function writtenNodes(graph: Graph, registry: OperatorRegistry): Set<number> {
  const written = new Set<number>();
  const aliasEdges: [number, number][] = [];
  for (const node of graph.nodes) {
    if (node.kind !== 'call') continue;
    const definition = registry.find(node.target!);
    const schemaArgs = definition?.schema.args;
    node.args.forEach((arg, position) => {
      // An operator the registry does not know is assumed to write every argument.
      if (!schemaArgs || schemaArgs[position]?.type.mutable) for (const r of referencedNodes(arg)) written.add(r.node);
    });
    if (definition && returnsAlias(definition)) for (const arg of node.args) for (const r of referencedNodes(arg)) aliasEdges.push([node.id, r.node]);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [view, base] of aliasEdges) {
      if (written.has(view) === written.has(base)) continue;
      written.add(view);
      written.add(base);
      changed = true;
    }
  }
  return written;
}

function argumentKey(arg: Argument): string {
  switch (arg.kind) {
    case 'node':
      return `%${arg.node}.${arg.output}`;
    case 'list':
      return `[${arg.items.map(argumentKey).join(',')}]`;
    case 'none':
      return 'none';
    case 'float':
      // -0 and 0 are different arguments (`scalar_tensor(-0.0)`); String() would print both as 0.
      return `f${Object.is(arg.value, -0) ? '-0' : arg.value}`;
    case 'str':
      return `s${JSON.stringify(arg.value)}`;
    default:
      return `${arg.kind[0]}${arg.value}`;
  }
}

function nodeKey(node: Node): string {
  return `${node.target}(${node.args.map(argumentKey).join(',')})`;
}

export const commonSubexpressionElimination: Pass = {
  name: 'common-subexpression-elimination',
  run(program, { registry }) {
    const graph = program.graph.clone();
    const written = writtenNodes(graph, registry);
    const first = new Map<string, Node>();
    let merged = 0;
    for (const node of [...graph.nodes]) {
      if (node.kind !== 'call' || written.has(node.id) || !isMergeable(registry.find(node.target!))) continue;
      if (node.args.some((arg) => [...referencedNodes(arg)].some((r) => written.has(r.node)))) continue;
      // Arguments already point at the surviving node of any earlier merge, so equal keys mean equal values.
      const key = nodeKey(node);
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, node);
        continue;
      }
      node.outputs.forEach((_, output) => graph.replaceAllUses({ kind: 'node', node: node.id, output }, { kind: 'node', node: earlier.id, output }));
      graph.remove(node);
      merged++;
    }
    return merged === 0 ? program : program.with({ graph });
  },
};
