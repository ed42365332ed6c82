/**
 * Runs a compiled XNNPACK graph on one delegate call. The graph is planned once per set of
 * input shapes, as XNNPACK reshapes its runtime only when they change: every node's planner
 * checks shapes, places its outputs in the graph's arena (in the kernels' activation memory) and
 * returns a step; fused output clamps become steps of their own; the plan is kept. A call copies
 * the external inputs (argument index = external id) into the arena, runs the steps, then
 * resizes and fills the external outputs.
 */

import { ExecutionError, Tensor } from '@etch/core';
import type { RuntimeValue } from '@etch/core';
import { ScalarType } from '@etch/core';
import type { NodeKind } from '../format/table-layouts.js';
import { type AttentionPattern, findAttentionPatterns } from './attention-pattern.js';
import { type HostInput, planAttention } from './attention-planner.js';
import { type CompiledGraph, valueIdsOf } from './compiled-graph.js';
import { type NodePlanner, elementwisePlanners } from './elementwise-planners.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';
import type { XnnNode } from '../format/xnn-graph.js';
import { layoutPlanners } from './layout-planners.js';
import { matrixPlanners } from './matrix-planners.js';
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
  /** The input shapes the plan is for. */
  readonly shapes: readonly (readonly number[])[];
  /** Arena slots the external inputs are copied into, or (read in place by attention) none. */
  readonly inputs: readonly (FloatSlot | undefined)[];
  /** External inputs attention reads from the call's arguments, by input index. */
  readonly hostInputs: ReadonlyMap<number, HostInput>;
  readonly steps: readonly Step[];
  readonly outputs: readonly FloatSlot[];
}

/** How graphs are planned. */
export interface PlanOptions {
  /** Compute attention over the cache positions its mask leaves open (see `attention-planner.ts`). */
  readonly fuseAttention: boolean;
}

/** How many input-shape sets keep their plan (a decoder uses two: prefill and one token). */
const PLANS_KEPT = 8;

/** What a call runs with besides its arguments (a runtime handle is one). */
export interface GraphResources {
  readonly graph: CompiledGraph;
  readonly kernels: XnnKernels;
  /** Fully connected layers prepared in `kernels`, by node. */
  readonly linears: ReadonlyMap<XnnNode, PreparedLinear>;
  /** Addresses of the graph's constants in the kernels' activation memory. */
  readonly constants: Map<number, number>;
  /** The block every plan places its values in, sized for the largest plan. */
  arena: { readonly address: number; readonly bytes: number } | undefined;
  /** Plans by input shapes, oldest first; all placed in the current arena. */
  readonly plans: Map<string, GraphPlan>;
  /** The plan the previous call ran, checked first: decoding calls with the same shapes. */
  lastPlan: GraphPlan | undefined;
}

const fits = (plan: GraphPlan, tensors: readonly Tensor[]) =>
  tensors.every((tensor, index) => {
    const shape = plan.shapes[index]!;
    return tensor.shape.length === shape.length && tensor.shape.every((d, i) => d === shape[i]);
  });

/** Frees a handle's arena and constants. */
export function releaseGraphMemory(handle: GraphResources): void {
  const { activations } = handle.kernels;
  if (handle.arena) activations.release(handle.arena.address);
  for (const address of handle.constants.values()) activations.release(address);
  handle.arena = undefined;
  handle.constants.clear();
  handle.plans.clear();
  handle.lastPlan = undefined;
}

function clampStep(context: PlanContext, out: FloatSlot, min: number, max: number): Step {
  const n = numelOf(out.shape);
  return () => {
    const m = context.memory.floats();
    const start = out.address >> 2;
    for (let i = start; i < start + n; i++) m[i] = Math.min(Math.max(m[i]!, min), max);
  };
}

/**
 * Index of the last node reading each value; graph outputs are read after every node, and the
 * operands of a fused attention when its step runs.
 */
function lastUses(graph: CompiledGraph, patterns: Iterable<AttentionPattern>): Map<number, number> {
  const last = new Map<number, number>();
  graph.nodes.forEach((node, index) => {
    for (const id of valueIdsOf(node)) last.set(id, index);
  });
  for (const pattern of patterns) {
    for (const id of [pattern.queryId, pattern.maskId, pattern.key.id, pattern.value.id]) last.set(id, Math.max(last.get(id) ?? -1, pattern.at));
  }
  for (const output of graph.outputs) last.set(output.id, Infinity);
  return last;
}

function buildPlan(handle: GraphResources, planners: ReadonlyMap<NodeKind, NodePlanner>, shapes: readonly (readonly number[])[], options: PlanOptions): GraphPlan {
  const { graph } = handle;
  const patterns = options.fuseAttention ? findAttentionPatterns(graph) : new Map<number, AttentionPattern>();
  const context = new PlanContext(graph, handle.kernels, handle.linears, handle.constants, lastUses(graph, patterns.values()));
  const hostInputs = new Map<number, HostInput>();
  for (const pattern of patterns.values()) {
    for (const { inputIndex } of [pattern.key, pattern.value]) {
      if (inputIndex !== undefined) hostInputs.set(inputIndex, { data: new Float32Array(0), shape: shapes[inputIndex]! });
    }
  }
  const inputs = graph.inputs.map((input, index) => (hostInputs.has(index) ? undefined : context.output(input.id, shapes[index]!)));
  const covered = new Set([...patterns.values()].flatMap((pattern) => [...pattern.covered]));
  const steps: Step[] = [];
  const planNode = (node: XnnNode) => {
    const step = planners.get(node.kind)!(node as never, context);
    if (step) steps.push(step);
    if (node.outputMinMax && (node.outputMinMax.min !== -Infinity || node.outputMinMax.max !== Infinity)) {
      steps.push(clampStep(context, context.float((node as { outputId: number }).outputId, node), node.outputMinMax.min, node.outputMinMax.max));
    }
  };
  const fallback = {
    planNode: (index: number) => planNode(graph.nodes[index]!),
    materialize(inputIndex: number) {
      const host = hostInputs.get(inputIndex)!;
      const slot = context.output(graph.inputs[inputIndex]!.id, host.shape);
      const count = numelOf(host.shape);
      steps.push(() => context.memory.floats().set(host.data.subarray(0, count), slot.address >> 2));
      return slot;
    },
  };
  graph.nodes.forEach((node, index) => {
    const pattern = patterns.get(index);
    if (pattern) {
      const step = planAttention(pattern, context, graph.nodes, hostInputs, fallback);
      if (step) steps.push(step);
    } else if (!covered.has(index)) {
      planNode(node);
    }
    context.retire(index);
  });
  const outputs = graph.outputs.map((output) => context.float(output.id, { kind: `output ${output.externalId}`, debugHandle: 0 }));
  const bytes = context.arenaBytes();
  if (!handle.arena || handle.arena.bytes < bytes) {
    // A larger arena moves every block: plans placed in the old one are rebuilt when next used.
    if (handle.arena) handle.kernels.activations.release(handle.arena.address);
    handle.plans.clear();
    handle.lastPlan = undefined;
    handle.arena = { address: handle.kernels.activations.allocate(bytes), bytes };
  }
  context.rebase(handle.arena.address);
  return { shapes, inputs, hostInputs, steps, outputs };
}

/**
 * Executes a compiled graph with the delegate call's arguments (inputs, then outputs, by external
 * id), using its fully connected layers prepared in its kernels, its plans and its arena.
 */
export function runGraph(handle: GraphResources, planners: ReadonlyMap<NodeKind, NodePlanner>, args: readonly RuntimeValue[], options: PlanOptions): void {
  const { graph } = handle;
  const tensors = graph.inputs.map((input) => {
    const tensor = argumentTensor(args, input.externalId!, 'input');
    // Inputs come at their actual shapes (the payload's dims are upper bounds, scalars are
    // declared [1]); XNNPACK likewise reshapes its external inputs on every call.
    if (tensor.shape.length > 6) throw new ExecutionError(`XnnpackBackend: input ${input.externalId} has ${tensor.shape.length} dimensions; XNNPACK allows at most 6`);
    return tensor;
  });
  let plan = handle.lastPlan !== undefined && fits(handle.lastPlan, tensors) ? handle.lastPlan : undefined;
  if (plan === undefined) {
    const key = tensors.map((tensor) => tensor.shape.join(',')).join(';');
    plan = handle.plans.get(key);
    if (plan === undefined) {
      plan = buildPlan(handle, planners, tensors.map((tensor) => [...tensor.shape]), options);
      if (handle.plans.size >= PLANS_KEPT) handle.plans.delete(handle.plans.keys().next().value!);
      handle.plans.set(key, plan);
    }
    handle.lastPlan = plan;
  }
  const { activations } = handle.kernels;
  let memory = activations.floats();
  tensors.forEach((tensor, index) => {
    const data = tensor.data as Float32Array;
    const count = numelOf(tensor.shape);
    const slot = plan.inputs[index];
    if (slot) memory.set(data.length === count ? data : data.subarray(0, count), slot.address >> 2);
    else plan.hostInputs.get(index)!.data = data;
  });
  for (const step of plan.steps) step();
  memory = activations.floats();
  graph.outputs.forEach((output, index) => {
    const target = argumentTensor(args, output.externalId!, 'output');
    const result = plan.outputs[index]!;
    target.resize(result.shape);
    const count = numelOf(result.shape);
    if (count !== target.data.length) throw new ExecutionError(`XnnpackBackend: output ${output.externalId} does not fit its tensor`);
    (target.data as Float32Array).set(memory.subarray(result.address >> 2, (result.address >> 2) + count));
  });
}
