/**
 * A decomposition rewrites one node as a few simpler ones. It receives a builder that inserts
 * before the node and the node's arguments, and returns the values that replace the node's
 * outputs. Decompositions are data (a map from operator key), so callers can add their own.
 */

import type { Argument, NodeArgument } from '../../ir/argument.js';
import type { GraphBuilder } from '../../ir/builder.js';
import type { Node } from '../../ir/graph.js';

export type Decomposition = (builder: GraphBuilder, node: Node) => Argument[];

export type DecompositionTable = ReadonlyMap<string, Decomposition>;

/** The node argument at `index`, which must reference a value. */
export function valueArg(node: Node, index: number): NodeArgument {
  const arg = node.args[index];
  if (arg?.kind !== 'node') throw new Error(`${node.name}: argument ${index} must be a value`);
  return arg;
}

export function literal(node: Node, index: number): Argument {
  const arg = node.args[index];
  if (!arg) throw new Error(`${node.name}: missing argument ${index}`);
  return arg;
}
