/**
 * Planners for XNNPACK's matrix nodes and the ones that feed them: fully connected (fp32, or
 * qdint8 activations with per-channel int8/int4 or blockwise int4 filters), batch matrix
 * multiply with broadcast batch dimensions, softmax over the last dimension, and convert
 * (fp32 → qdint8 per row, XNNPACK's dynamic quantization).
 */

import { ShapeError, UnsupportedOperatorError } from '@etch/core';
import { broadcastIndex } from '@etch/core/kernels';
import { FLAG_TRANSPOSE_WEIGHTS, XnnDatatype, datatypeName, type XnnNodeOf } from '../format/xnn-graph.js';
import type { NodeKind } from '../format/table-layouts.js';
import { XNNPACK_BACKEND_ID } from './compiled-graph.js';
import { type NodePlanner, broadcastShape } from './elementwise-planners.js';
import { type PlanContext, type Step, numelOf } from './plan-context.js';

const label = (node: { kind: string; debugHandle: number }) => `XNNPACK ${node.kind} ${node.debugHandle}`;

function planFullyConnected(node: XnnNodeOf<'FullyConnected'>, context: PlanContext): Step {
  const prepared = context.linears.get(node)!;
  const input = context.get(node.input1Id, node);
  const k = input.shape[input.shape.length - 1]!;
  if (k !== prepared.inFeatures) throw new ShapeError(`input has ${k} features, the filter expects ${prepared.inFeatures}`, { node: label(node) });
  const quantizedInput = input.kind === 'qd8';
  if (quantizedInput !== (prepared.kind !== 'f32')) {
    throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${quantizedInput ? 'qdint8' : 'fp32'} input with a ${prepared.kind} filter`, {
      backendId: XNNPACK_BACKEND_ID,
      hint: 'etch runs fp32 × fp32 and dynamically quantized (qdint8) × int8/int4 fully connected layers',
    });
  }
  const out = context.output(node.outputId, [...input.shape.slice(0, -1), prepared.outFeatures]);
  const { memory } = context;
  const rows = numelOf(input.shape) / k;
  const source = input.kind === 'qd8' ? input.source : input;
  return () => memory.linear(prepared, source.address, rows, out.address);
}

function planConvert(node: XnnNodeOf<'Convert'>, context: PlanContext): undefined {
  const output = context.graph.values.get(node.outputId)!;
  const quantization = output.quantization;
  if (output.datatype !== XnnDatatype.qdint8 || quantization?.kind !== 'per-token-dynamic') {
    throw new UnsupportedOperatorError('XNNPACK Convert', `only fp32 → qdint8 (per-token dynamic) is supported, not → ${datatypeName(output.datatype)}`, { backendId: XNNPACK_BACKEND_ID });
  }
  if (quantization.numNonbatchDims !== 1) {
    throw new UnsupportedOperatorError('XNNPACK Convert', `dynamic quantization over ${quantization.numNonbatchDims} trailing dimensions (etch quantizes per row of the last one)`, { backendId: XNNPACK_BACKEND_ID });
  }
  const input = context.float(node.inputId, node);
  context.quantized(node.outputId, node.inputId, input);
  return undefined;
}

function planBatchMatrixMultiply(node: XnnNodeOf<'BatchMatrixMultiply'>, context: PlanContext): Step | undefined {
  const a = context.float(node.input1Id, node);
  const b = context.float(node.input2Id, node);
  if (a.shape.length < 2 || b.shape.length < 2) throw new ShapeError('operands must have at least 2 dimensions', { node: label(node) });
  const transposeB = (node.flags & FLAG_TRANSPOSE_WEIGHTS) !== 0;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (k !== kb) throw new ShapeError(`inner dimensions differ: [${a.shape.join(', ')}] × [${b.shape.join(', ')}]`, { node: label(node) });
  const batchShape = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2), label(node));
  const batches = numelOf(batchShape);
  const out = context.output(node.outputId, [...batchShape, m, n]);
  const { memory } = context;
  const size = numelOf(out.shape);
  if (k === 0) return () => memory.floats().fill(0, out.address >> 2, (out.address >> 2) + size);
  if (batches === 0 || m === 0 || n === 0) return undefined;
  if (numelOf(a.shape) === batches * m * k && numelOf(b.shape) === batches * k * n) {
    const shape = { batch: batches, m, k, n, transposeB };
    return () => memory.batchMatmul(a.address, b.address, out.address, shape);
  }
  // Broadcast batch dimensions: one kernel call per output batch on the operands' slices.
  const aIndex = broadcastIndex(a.shape.slice(0, -2), batchShape);
  const bIndex = broadcastIndex(b.shape.slice(0, -2), batchShape);
  const shape = { batch: 1, m, k, n, transposeB };
  return () => {
    for (let batch = 0; batch < batches; batch++) {
      memory.batchMatmul(a.address + aIndex[batch]! * m * k * 4, b.address + bIndex[batch]! * k * n * 4, out.address + batch * m * n * 4, shape);
    }
  };
}

function planSoftmax(node: XnnNodeOf<'Softmax'>, context: PlanContext): Step {
  const input = context.float(node.inputId, node);
  const width = input.shape[input.shape.length - 1] ?? 1;
  const out = context.output(node.outputId, input.shape);
  const rows = width === 0 ? 0 : numelOf(input.shape) / width;
  const { memory } = context;
  return () => memory.softmax(input.address, out.address, rows, width);
}

/** Planners of the matrix node kinds. */
export function matrixPlanners(): Partial<Record<NodeKind, NodePlanner>> {
  return { FullyConnected: planFullyConnected, Convert: planConvert, BatchMatrixMultiply: planBatchMatrixMultiply, Softmax: planSoftmax };
}
