/**
 * The XNNPACK partitioner: asks each call node's operator rule whether XNNPACK takes it (a
 * quantized linear also claims its quantize/dequantize producers), groups the taken nodes into
 * convex partitions with core's `groupPartitions`, and reports every node it left, and why. A
 * quantization pattern that grouping splits across partitions is left whole to portable kernels
 * (and grouping reruns), because its parts cannot be lowered apart. Nodes that compute only
 * from constants are left too: the export folds them into constants.
 */

import { type ExportedProgram, type Node, type PartitionDiagnostic, type PartitionResult, groupPartitions, referencedNodes } from '@etch/core';
import type { XnnpackOperator } from '../operators/operator.js';
import { SupportContext } from './support-context.js';

/** What callers may restrict in the partitioner. */
export interface PartitionOptions {
  /** Operators never to delegate (`aten::softmax.int`, …), e.g. to compare numerics. */
  readonly exclude?: readonly string[];
}

/** Tags the nodes XNNPACK takes. */
export function partitionForXnnpack(program: ExportedProgram, operators: ReadonlyMap<string, XnnpackOperator>, options: PartitionOptions = {}): PartitionResult {
  const context = new SupportContext(program);
  const diagnostics: PartitionDiagnostic[] = [];
  const taken = new Set<number>();
  const patterns = new Map<number, readonly Node[]>();
  const excluded = new Set(options.exclude ?? []);
  const constantOnly = new Set<number>();
  for (const node of program.graph.nodes) {
    if (node.kind !== 'call') continue;
    const inputs = node.args.flatMap((arg) => [...referencedNodes(arg)]);
    if (inputs.every((input) => context.isConstant(input) || constantOnly.has(input.node))) {
      constantOnly.add(node.id);
      if (operators.has(node.target!)) diagnostics.push({ node: node.name, op: node.target!, reason: 'computes only from constants (folded at export)' });
      continue;
    }
    const operator = operators.get(node.target!);
    if (!operator) continue;
    if (excluded.has(node.target!)) {
      diagnostics.push({ node: node.name, op: node.target!, reason: 'excluded by the delegate options' });
      continue;
    }
    const verdict = operator.check(node, context);
    if (!verdict.supported) {
      diagnostics.push({ node: node.name, op: node.target!, reason: verdict.reason });
      continue;
    }
    taken.add(node.id);
    if (verdict.absorbs?.length) {
      patterns.set(node.id, verdict.absorbs);
      for (const member of verdict.absorbs) taken.add(member.id);
    }
  }
  for (const node of program.graph.nodes) {
    if (node.kind === 'call' && !taken.has(node.id) && !constantOnly.has(node.id) && !operators.has(node.target!)) {
      const reason = node.target!.startsWith('quantized_decomposed::') ? 'taken only inside a dynamically quantized linear pattern' : 'XNNPACK has no rule for this operator';
      diagnostics.push({ node: node.name, op: node.target!, reason });
    }
  }
  // A constant-only node a linear absorbed (a transposed weight) is not left after all.
  const left = diagnostics.filter((diagnostic) => !program.graph.nodes.some((node) => node.name === diagnostic.node && taken.has(node.id)));
  diagnostics.splice(0, diagnostics.length, ...left);
  for (;;) {
    const tags = groupPartitions(program.graph, (node) => taken.has(node.id));
    const split = [...patterns].find(([anchor, members]) => members.some((member) => tags.get(member.id) !== tags.get(anchor)));
    if (!split) return { tags, diagnostics };
    const [anchor, members] = split;
    for (const id of [anchor, ...members.map((m) => m.id)]) taken.delete(id);
    patterns.delete(anchor);
    const node = program.graph.node(anchor);
    diagnostics.push({ node: node.name, op: node.target!, reason: 'its quantization pattern could not be kept in one partition' });
  }
}
