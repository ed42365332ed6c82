/**
 * Runs a compiled XNNPACK graph on one delegate call: binds the external inputs (argument index
 * = external id) at their actual shapes, executes the nodes in order with their executors,
 * applies each node's fused output clamp, then resizes and fills the external outputs.
 */

import { ExecutionError, Tensor } from '@etch/core';
import type { RuntimeValue } from '@etch/core';
import { ScalarType } from '@etch/core';
import type { NodeKind } from '../format/table-layouts.js';
import type { CompiledGraph } from './compiled-graph.js';
import { type Executor, elementwiseExecutors } from './elementwise-executors.js';
import { ExecutionContext, numelOf } from './execution-context.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';
import type { XnnNode } from '../format/xnn-graph.js';
import { layoutExecutors } from './layout-executors.js';
import { matrixExecutors } from './matrix-executors.js';

/** Every node kind the interpreter executes, with its executor. */
export function nodeExecutors(): ReadonlyMap<NodeKind, Executor> {
  return new Map(Object.entries({ ...elementwiseExecutors(), ...layoutExecutors(), ...matrixExecutors() }) as [NodeKind, Executor][]);
}

function argumentTensor(args: readonly RuntimeValue[], index: number, role: string): Tensor {
  const value = args[index];
  if (!(value instanceof Tensor)) throw new ExecutionError(`XnnpackBackend: delegate argument ${index} (${role}) is not a tensor`);
  if (value.dtype !== ScalarType.FLOAT) throw new ExecutionError(`XnnpackBackend: delegate argument ${index} (${role}) must be float32`);
  return value;
}

/** What a call runs with besides its arguments (a runtime handle is one). */
export interface GraphResources {
  readonly graph: CompiledGraph;
  readonly kernels: XnnKernels;
  /** Fully connected layers prepared in `kernels`, by node. */
  readonly linears: ReadonlyMap<XnnNode, PreparedLinear>;
  /** Output buffers by value id, reused by every call. */
  readonly buffers: Map<number, Float32Array>;
}

/**
 * Executes a compiled graph with the delegate call's arguments (inputs, then outputs, by external
 * id), using its fully connected layers prepared in its kernels and its reusable buffers.
 */
export function runGraph(handle: GraphResources, executors: ReadonlyMap<NodeKind, Executor>, args: readonly RuntimeValue[]): void {
  const { graph } = handle;
  const context = new ExecutionContext(graph, handle.kernels, handle.linears, handle.buffers);
  for (const input of graph.inputs) {
    const tensor = argumentTensor(args, input.externalId!, 'input');
    // Inputs come at their actual shapes (the payload's dims are upper bounds, scalars are
    // declared [1]); XNNPACK likewise reshapes its external inputs on every call.
    if (tensor.shape.length > 6) throw new ExecutionError(`XnnpackBackend: input ${input.externalId} has ${tensor.shape.length} dimensions; XNNPACK allows at most 6`);
    context.set(input.id, { kind: 'float', shape: tensor.shape, data: tensor.data as Float32Array });
  }
  for (const node of graph.nodes) {
    executors.get(node.kind)!(node as never, context);
    if (node.outputMinMax && (node.outputMinMax.min !== -Infinity || node.outputMinMax.max !== Infinity)) {
      const out = context.float((node as { outputId: number }).outputId, node);
      const { min, max } = node.outputMinMax;
      for (let i = 0; i < out.data.length; i++) out.data[i] = Math.min(Math.max(out.data[i]!, min), max);
    }
  }
  for (const output of graph.outputs) {
    const target = argumentTensor(args, output.externalId!, 'output');
    const result = context.float(output.id, { kind: `output ${output.externalId}`, debugHandle: 0 });
    target.resize(result.shape);
    if (numelOf(result.shape) !== target.data.length) throw new ExecutionError(`XnnpackBackend: output ${output.externalId} does not fit its tensor`);
    (target.data as Float32Array).set(result.data);
  }
}
