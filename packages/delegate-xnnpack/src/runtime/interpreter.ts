/**
 * Runs a compiled XNNPACK graph on one delegate call. The graph is planned once per set of
 * input shapes, as XNNPACK reshapes its runtime only when they change: every node's planner
 * checks shapes, takes output buffers and returns a step, fused output clamps become steps of
 * their own, and the plan is kept. A call binds the external inputs (argument index = external
 * id) to their slots, runs the steps, then resizes and fills the external outputs.
 */

import { ExecutionError, Tensor } from '@etch/core';
import type { RuntimeValue } from '@etch/core';
import { ScalarType } from '@etch/core';
import type { NodeKind } from '../format/table-layouts.js';
import type { CompiledGraph } from './compiled-graph.js';
import { type NodePlanner, elementwisePlanners } from './elementwise-executors.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';
import type { XnnNode } from '../format/xnn-graph.js';
import { layoutPlanners } from './layout-executors.js';
import { matrixPlanners } from './matrix-executors.js';
import { type FloatSlot, PlanContext, type Step, numelOf } from './plan-context.js';

/** Every node kind the interpreter executes, with its planner. */
export function nodePlanners(): ReadonlyMap<NodeKind, NodePlanner> {
  return new Map(Object.entries({ ...elementwisePlanners(), ...layoutPlanners(), ...matrixPlanners() }) as [NodeKind, NodePlanner][]);
}

function argumentTensor(args: readonly RuntimeValue[], index: number, role: string): Tensor {
  const value = args[index];
  if (!(value instanceof Tensor)) throw new ExecutionError(`XnnpackBackend: delegate argument ${index} (${role}) is not a tensor`);
  if (value.dtype !== ScalarType.FLOAT) throw new ExecutionError(`XnnpackBackend: delegate argument ${index} (${role}) must be float32`);
  return value;
}

/** The graph planned for one set of input shapes. */
interface GraphPlan {
  readonly inputs: readonly FloatSlot[];
  readonly steps: readonly Step[];
  readonly outputs: readonly FloatSlot[];
}

/** How many input-shape sets keep their plan (a decoder uses two: prefill and one token). */
const PLANS_KEPT = 8;

/** What a call runs with besides its arguments (a runtime handle is one). */
export interface GraphResources {
  readonly graph: CompiledGraph;
  readonly kernels: XnnKernels;
  /** Fully connected layers prepared in `kernels`, by node. */
  readonly linears: ReadonlyMap<XnnNode, PreparedLinear>;
  /** Output buffers by value id, shared by every plan. */
  readonly buffers: Map<number, Float32Array>;
  /** Plans by input shapes, most recently built last. */
  readonly plans: Map<string, GraphPlan>;
}

function clampStep(out: FloatSlot, min: number, max: number): Step {
  return () => {
    const data = out.data;
    for (let i = 0; i < data.length; i++) data[i] = Math.min(Math.max(data[i]!, min), max);
  };
}

function buildPlan(handle: GraphResources, planners: ReadonlyMap<NodeKind, NodePlanner>, shapes: readonly (readonly number[])[]): GraphPlan {
  const { graph } = handle;
  const context = new PlanContext(graph, handle.kernels, handle.linears, handle.buffers);
  const inputs = graph.inputs.map((input, index) => {
    const slot: FloatSlot = { kind: 'float', shape: shapes[index]!, data: new Float32Array(0) };
    context.set(input.id, slot);
    return slot;
  });
  const steps: Step[] = [];
  for (const node of graph.nodes) {
    const step = planners.get(node.kind)!(node as never, context);
    if (step) steps.push(step);
    if (node.outputMinMax && (node.outputMinMax.min !== -Infinity || node.outputMinMax.max !== Infinity)) {
      steps.push(clampStep(context.float((node as { outputId: number }).outputId, node), node.outputMinMax.min, node.outputMinMax.max));
    }
  }
  const outputs = graph.outputs.map((output) => context.float(output.id, { kind: `output ${output.externalId}`, debugHandle: 0 }));
  return { inputs, steps, outputs };
}

/**
 * Executes a compiled graph with the delegate call's arguments (inputs, then outputs, by external
 * id), using its fully connected layers prepared in its kernels, its plans and its buffers.
 */
export function runGraph(handle: GraphResources, planners: ReadonlyMap<NodeKind, NodePlanner>, args: readonly RuntimeValue[]): void {
  const { graph } = handle;
  const tensors = graph.inputs.map((input) => {
    const tensor = argumentTensor(args, input.externalId!, 'input');
    // Inputs come at their actual shapes (the payload's dims are upper bounds, scalars are
    // declared [1]); XNNPACK likewise reshapes its external inputs on every call.
    if (tensor.shape.length > 6) throw new ExecutionError(`XnnpackBackend: input ${input.externalId} has ${tensor.shape.length} dimensions; XNNPACK allows at most 6`);
    return tensor;
  });
  const key = tensors.map((tensor) => tensor.shape.join(',')).join(';');
  let plan = handle.plans.get(key);
  if (plan === undefined) {
    plan = buildPlan(handle, planners, tensors.map((tensor) => tensor.shape));
    if (handle.plans.size >= PLANS_KEPT) handle.plans.delete(handle.plans.keys().next().value!);
    handle.plans.set(key, plan);
  }
  for (let index = 0; index < tensors.length; index++) plan.inputs[index]!.data = tensors[index]!.data as Float32Array;
  for (const step of plan.steps) step();
  graph.outputs.forEach((output, index) => {
    const target = argumentTensor(args, output.externalId!, 'output');
    const result = plan.outputs[index]!;
    target.resize(result.shape);
    if (numelOf(result.shape) !== target.data.length) throw new ExecutionError(`XnnpackBackend: output ${output.externalId} does not fit its tensor`);
    (target.data as Float32Array).set(result.data);
  });
}
