/**
 * What node planners see while a graph is planned for one set of input shapes: every value's
 * slot (its shape, fixed for the plan, and the array its data lives in), the kernels, and the
 * prepared fully connected layers. Planners check shapes once and return a step that only
 * computes, so a decoder calling the graph with the same shapes token after token pays for
 * validation, broadcasting plans and buffer lookups once.
 */

import { ExecutionError } from '@etch/core';
import type { CompiledGraph } from './compiled-graph.js';
import type { XnnNode } from '../format/xnn-graph.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';

/**
 * An fp32 value of a plan. `data` is fixed when the plan is built, except for external inputs
 * (bound on every call) and values that alias another slot's data (rebound by their step).
 */
export interface FloatSlot {
  readonly kind: 'float';
  readonly shape: readonly number[];
  data: Float32Array;
}

/**
 * A value XNNPACK quantizes dynamically (qdint8, per row): the fp32 slot it is converted from.
 * The kernels quantize rows themselves inside the quantized fully connected layer, exactly as
 * XNNPACK's convert would, so the conversion is carried to its consumer instead of run twice.
 */
export interface QuantizedSlot {
  readonly kind: 'qd8';
  readonly shape: readonly number[];
  readonly source: FloatSlot;
}

/** Any value of a plan. */
export type Slot = FloatSlot | QuantizedSlot;

/** One node's computation, with its operands bound. */
export type Step = () => void;

/** Who reads a value, for error messages: a node, or the graph's outputs. */
export interface Owner {
  readonly kind: string;
  readonly debugHandle: number;
}

/** The element count of a shape. */
export const numelOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** The slots of one plan as it is built. */
export class PlanContext {
  private readonly slots = new Map<number, Slot>();

  constructor(
    readonly graph: CompiledGraph,
    readonly kernels: XnnKernels,
    /** Prepared fully connected layers by node. */
    readonly linears: ReadonlyMap<XnnNode, PreparedLinear>,
    /** Output buffers by value id, shared by every plan of the graph (plans never run at once). */
    private readonly buffers: Map<number, Float32Array>,
  ) {}

  /**
   * A slot for value `id` with its own buffer, reused by later calls and other plans: every
   * value is written once per call and graph outputs are copied out, so running a plan
   * allocates nothing. The contents are stale; steps overwrite every element.
   */
  output(id: number, shape: readonly number[]): FloatSlot {
    const count = numelOf(shape);
    let buffer = this.buffers.get(id);
    if (!buffer || buffer.length < count) {
      buffer = new Float32Array(count);
      this.buffers.set(id, buffer);
    }
    const slot: FloatSlot = { kind: 'float', shape, data: buffer.length === count ? buffer : buffer.subarray(0, count) };
    this.slots.set(id, slot);
    return slot;
  }

  set(id: number, slot: Slot): void {
    this.slots.set(id, slot);
  }

  /** A float input of `node`. */
  float(id: number, node: Owner): FloatSlot {
    const slot = this.get(id, node);
    if (slot.kind !== 'float') throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is quantized where fp32 is expected`);
    return slot;
  }

  get(id: number, node: Owner): Slot {
    const existing = this.slots.get(id);
    if (existing) return existing;
    const value = this.graph.values.get(id);
    if (value?.constant) {
      const slot: FloatSlot = { kind: 'float', shape: value.dims, data: value.constant };
      this.slots.set(id, slot);
      return slot;
    }
    throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is read before any node computes it`);
  }
}
