/**
 * What node executors see while a graph runs: the compiled graph, the kernels, and the tensors
 * computed so far by value id (constants are materialized on first read). Executors read their
 * inputs through `float`/`quantized`, which check the value's kind, and store results with `set`.
 */

import { ExecutionError } from '@etch/core';
import type { CompiledGraph } from './compiled-graph.js';
import type { XnnNode } from '../format/xnn-graph.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';

/** An fp32 tensor computed while the graph runs. */
export interface FloatTensor {
  readonly kind: 'float';
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * A value XNNPACK quantizes dynamically (qdint8, per row): the fp32 data it is converted from.
 * The kernels quantize rows themselves inside the quantized fully connected layer, exactly as
 * XNNPACK's convert would, so the conversion is carried to its consumer instead of run twice.
 */
export interface QuantizedTensor {
  readonly kind: 'qd8';
  readonly shape: readonly number[];
  readonly source: Float32Array;
}

/** Any value computed while the graph runs. */
export type RuntimeTensor = FloatTensor | QuantizedTensor;

/** Who reads a value, for error messages: a node, or the graph's outputs. */
export interface Owner {
  readonly kind: string;
  readonly debugHandle: number;
}

/** The element count of a shape. */
export const numelOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** The state of one graph execution. */
export class ExecutionContext {
  private readonly tensors = new Map<number, RuntimeTensor>();

  constructor(
    readonly graph: CompiledGraph,
    readonly kernels: XnnKernels,
    /** Prepared fully connected layers by node. */
    readonly linears: ReadonlyMap<XnnNode, PreparedLinear>,
    /** Output buffers by value id, kept across calls. */
    private readonly buffers: Map<number, Float32Array>,
  ) {}

  /**
   * The output tensor of value `id`, in a buffer reused across calls: every value is written
   * once per call and graph outputs are copied out, so decoding allocates nothing per token.
   * The contents are stale; executors overwrite every element.
   */
  output(id: number, shape: readonly number[]): FloatTensor {
    const count = numelOf(shape);
    let buffer = this.buffers.get(id);
    if (!buffer || buffer.length < count) {
      buffer = new Float32Array(count);
      this.buffers.set(id, buffer);
    }
    return { kind: 'float', shape, data: buffer.length === count ? buffer : buffer.subarray(0, count) };
  }

  set(id: number, tensor: RuntimeTensor): void {
    this.tensors.set(id, tensor);
  }

  /** A float input of `node`. */
  float(id: number, node: Owner): FloatTensor {
    const tensor = this.get(id, node);
    if (tensor.kind !== 'float') throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is quantized where fp32 is expected`);
    return tensor;
  }

  /** A dynamically quantized input of `node`. */
  quantized(id: number, node: Owner): QuantizedTensor {
    const tensor = this.get(id, node);
    if (tensor.kind !== 'qd8') throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is fp32 where qdint8 is expected`);
    return tensor;
  }

  get(id: number, node: Owner): RuntimeTensor {
    const existing = this.tensors.get(id);
    if (existing) return existing;
    const value = this.graph.values.get(id);
    if (value?.constant) {
      const tensor: FloatTensor = { kind: 'float', shape: value.dims, data: value.constant };
      this.tensors.set(id, tensor);
      return tensor;
    }
    throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is read before any node computes it`);
  }
}
