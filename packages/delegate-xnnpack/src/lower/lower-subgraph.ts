/**
 * Lowers one delegated subgraph to the XNNPACK payload: each call node goes through its
 * operator's lowering (nodes a quantized linear absorbed are emitted by that linear), then the
 * graph is serialized behind the `XH00` header with every constant in named data.
 */

import { type DelegateSubgraph, type LoweredPayload, UnsupportedOperatorError } from '@etch/core';
import { writeXnnPayload } from '../format/payload.js';
import type { XnnpackOperator } from '../operators/operator.js';
import { XNNPACK_BACKEND_ID } from '../runtime/compiled-graph.js';
import { SupportContext } from '../partition/support-context.js';
import { XnnGraphBuilder } from './xnn-graph-builder.js';

/** The payload and named data for one subgraph. */
export async function lowerSubgraph(subgraph: DelegateSubgraph, operators: ReadonlyMap<string, XnnpackOperator>): Promise<LoweredPayload> {
  const program = subgraph.program;
  const context = new SupportContext(program);
  const builder = new XnnGraphBuilder(program);
  const absorbed = new Set<number>();
  const calls = program.graph.nodes.filter((node) => node.kind === 'call');
  for (const node of calls) {
    const operator = operators.get(node.target!);
    const verdict = operator?.check(node, context);
    if (verdict?.supported) for (const member of verdict.absorbs ?? []) absorbed.add(member.id);
  }
  for (const node of calls) {
    if (absorbed.has(node.id)) continue;
    const operator = operators.get(node.target!);
    const verdict = operator?.check(node, context);
    if (!operator || !verdict?.supported) {
      throw new UnsupportedOperatorError(node.target!, `XNNPACK cannot lower ${node.name}${verdict && !verdict.supported ? `: ${verdict.reason}` : ''}`, {
        backendId: XNNPACK_BACKEND_ID,
        hint: 'the partitioner should not have tagged this node; report it',
      });
    }
    operator.lower(node, builder, context);
  }
  const { graph, namedData } = await builder.finish();
  return { processed: writeXnnPayload(graph), namedData };
}
