/**
 * Finds every value that needs planned memory and the span of instructions during which its
 * storage is live. Aliases (out results, in-place results, views) extend the life of the value
 * that owns the storage. Mutable buffers (a KV cache) and graph outputs live to the end; since
 * buffers also live from the start, no other value can ever share their bytes, which is what
 * lets their contents persist from one call to the next.
 */

import { referencedNodes, type NodeArgument } from '../ir/argument.js';
import type { TensorMeta } from '../ir/meta.js';
import type { ExportedProgram } from '../ir/program.js';
import { upperBound } from '../ir/sym.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { ALLOC } from '../ops/etch/index.js';
import { elementSize } from '../scalar-type.js';
import { storageRoot, valueKey } from '../passes/aliases.js';

export type PlannedValueKind = 'input' | 'mutable_buffer' | 'intermediate';

export interface PlannedValue {
  readonly key: string;
  readonly ref: NodeArgument;
  readonly kind: PlannedValueKind;
  readonly meta: TensorMeta;
  /** Bytes at the upper bound of every dynamic dimension, before alignment. */
  readonly bytes: number;
  /** First and last instruction index (graph node order) at which the storage is live. */
  first: number;
  last: number;
}

export interface LifetimeOptions {
  /** Give user inputs arena memory (ExecuTorch's `alloc_graph_input`, default true). */
  readonly planInputs?: boolean;
}

export interface LifetimeAnalysis {
  readonly values: PlannedValue[];
  /** Storage root key of every tensor value in the graph. */
  readonly rootOf: Map<string, string>;
  readonly length: number;
}

function bytesOf(meta: TensorMeta, program: ExportedProgram): number {
  return meta.shape.reduce<number>((n, d) => n * upperBound(d, program.symbols), 1) * elementSize(meta.dtype);
}

export function analyzeLifetimes(program: ExportedProgram, registry: OperatorRegistry, options: LifetimeOptions = {}): LifetimeAnalysis {
  const graph = program.graph;
  const nodes = graph.nodes;
  const end = nodes.length - 1;
  const values = new Map<string, PlannedValue>();
  const add = (ref: NodeArgument, kind: PlannedValueKind, index: number) => {
    const meta = graph.metaOf(ref);
    if (meta.kind !== 'tensor') return;
    values.set(valueKey(ref), { key: valueKey(ref), ref, kind, meta, bytes: bytesOf(meta, program), first: index, last: index });
  };
  for (const spec of program.signature.inputs) {
    const ref: NodeArgument = { kind: 'node', node: spec.node, output: 0 };
    if (spec.kind === 'user_input' && options.planInputs !== false) add(ref, 'input', 0);
    if (spec.kind === 'buffer' && program.buffers.get(spec.target!)?.mutable) {
      add(ref, 'mutable_buffer', 0);
      values.get(valueKey(ref))!.last = end;
    }
  }
  nodes.forEach((node, index) => {
    if (node.kind === 'call' && node.target === ALLOC) add({ kind: 'node', node: node.id, output: 0 }, 'intermediate', index);
  });

  const rootOf = new Map<string, string>();
  const rootKey = (ref: NodeArgument) => {
    const key = valueKey(ref);
    let root = rootOf.get(key);
    if (!root) {
      root = valueKey(storageRoot(graph, registry, ref));
      rootOf.set(key, root);
    }
    return root;
  };
  nodes.forEach((node, index) => {
    node.outputs.forEach((_, output) => rootKey({ kind: 'node', node: node.id, output }));
    for (const arg of node.args) {
      for (const ref of referencedNodes(arg)) {
        const planned = values.get(rootKey(ref));
        if (!planned) continue;
        planned.first = Math.min(planned.first, index);
        planned.last = Math.max(planned.last, node.kind === 'output' ? end : index);
      }
    }
  });
  return { values: [...values.values()], rootOf, length: nodes.length };
}
