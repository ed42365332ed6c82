/**
 * One XNNPACK operator entry, as ExecuTorch pairs a partitioner config with a node visitor: the
 * graph operator it handles, the rule that decides whether a node can be delegated (and which
 * producer nodes it absorbs, for quantization patterns), and how it lowers to XNNPACK nodes.
 */

import type { Node } from '@etch/core';
import type { XnnGraphBuilder } from '../lower/xnn-graph-builder.js';
import type { SupportContext } from '../partition/support-context.js';

/** A rule's verdict on one node. */
export type Support =
  | { readonly supported: true; /** Producer nodes that are part of the pattern this node lowers. */ readonly absorbs?: readonly Node[] }
  | { readonly supported: false; readonly reason: string };

/** An operator XNNPACK takes: its rule and its lowering. */
export interface XnnpackOperator {
  /** Operator key in the graph (`aten::linear`). */
  readonly target: string;
  check(node: Node, context: SupportContext): Support;
  lower(node: Node, builder: XnnGraphBuilder, context: SupportContext): void;
}

/** The verdict of a rule that takes the node as it is. */
export const supported: Support = { supported: true };

/** The verdict of a rule that leaves the node, with the reason reported to the user. */
export function declined(reason: string): Support {
  return { supported: false, reason };
}
