/**
 * `aten::linear` → XNNPACK fully connected, in the three forms ExecuTorch's XNNPACK partitioner
 * takes: fp32 weights; 8da8w (activations quantized per token at run time, int8 weights with
 * per-channel scales); 8da4w (int4 weights, per channel or in groups of a multiple of 32). The
 * quantized forms are the patterns core's `quantizeLinears` writes:
 *
 *   s, z = choose_qparams_per_token_asymmetric(x); x' = dequantize_per_token(quantize_per_token(x, s, z), s, z)
 *   W' = dequantize_per_channel(Wq, scales, None, 0, qmin, qmax, int8)  |  dequantize_per_channel_group(…, group_size)
 *   y = linear(x', W', bias)
 *
 * whose nodes the linear absorbs and lowers as convert (fp32 → qdint8) + fully connected. An fp32
 * weight stored [in, out] and transposed in the graph (GPT-2's Conv1D) is absorbed too and
 * lowered as a fully connected layer with transposed weights.
 */

import type { Node, NodeArgument } from '@etch/core';
import { type SupportContext, numberOf } from '../partition/support-context.js';
import { FLAG_TRANSPOSE_WEIGHTS } from '../format/xnn-graph.js';
import type { XnnGraphBuilder } from '../lower/xnn-graph-builder.js';
import { type Support, type XnnpackOperator, declined } from './operator.js';

const Q = 'quantized_decomposed::';

interface ActivationPattern {
  readonly input: NodeArgument;
  readonly nodes: readonly Node[];
}

interface WeightPattern {
  readonly values: NodeArgument;
  readonly scales: NodeArgument;
  readonly bits: 8 | 4;
  /** Inputs per scale (the input width for per-channel weights). */
  readonly groupSize: number;
  readonly node: Node;
}

/** Nodes whose every user is among `allowed` (pattern nodes must not feed anything else). */
function onlyUsedBy(node: Node, allowed: readonly Node[], context: SupportContext): boolean {
  return context.usersOf(node).every((user) => allowed.includes(user));
}

function activationPattern(arg: NodeArgument, linear: Node, context: SupportContext): ActivationPattern | string {
  const dequantize = context.producer(arg);
  if (dequantize?.target !== `${Q}dequantize_per_token`) return 'input is not dequantize_per_token';
  const quantize = context.producer(dequantize.args[0]);
  const scale = dequantize.args[1];
  const qparams = context.producer(scale);
  if (quantize?.target !== `${Q}quantize_per_token` || qparams?.target !== `${Q}choose_qparams_per_token_asymmetric`) return 'activation quantization is not the per-token dynamic pattern';
  const input = quantize.args[0];
  if (input?.kind !== 'node' || qparams.args[0]?.kind !== 'node' || qparams.args[0].node !== input.node || qparams.args[0].output !== input.output) return 'quantization parameters come from another tensor';
  const sameParams = [1, 2].every((i) => JSON.stringify(quantize.args[i]) === JSON.stringify(dequantize.args[i]));
  if (!sameParams || numberOf(quantize.args[3]) !== -128 || numberOf(quantize.args[4]) !== 127) return 'activations are not quantized to int8 [-128, 127] with one set of parameters';
  if (!context.isFloatTensor(input)) return 'the quantized activation is not fp32';
  if (!onlyUsedBy(dequantize, [linear], context) || !onlyUsedBy(quantize, [dequantize], context) || !onlyUsedBy(qparams, [quantize, dequantize], context)) {
    return 'the activation quantization nodes feed other operators';
  }
  return { input, nodes: [qparams, quantize, dequantize] };
}

function weightPattern(arg: NodeArgument, linear: Node, context: SupportContext): WeightPattern | string {
  const node = context.producer(arg);
  if (!node) return 'weight is not a constant or a dequantized constant';
  const [values, scales] = node.args;
  if (values?.kind !== 'node' || scales?.kind !== 'node' || !context.isConstant(values) || !context.isConstant(scales)) return 'quantized weight values or scales are not constants';
  if (!onlyUsedBy(node, [linear], context)) return 'the dequantized weight feeds other operators';
  const shape = context.staticShape(values);
  if (shape?.length !== 2) return 'quantized weight is not 2-D';
  const range = (min: number | undefined, max: number | undefined) => (min === -127 && max === 127 ? 8 : min === -8 && max === 7 ? 4 : undefined);
  if (node.target === `${Q}dequantize_per_channel`) {
    if (node.args[2]?.kind !== 'none' || numberOf(node.args[3]) !== 0) return 'per-channel weights must be symmetric along dimension 0';
    const bits = range(numberOf(node.args[4]), numberOf(node.args[5]));
    if (!bits) return 'weights are not int8 [-127, 127] or int4 [-8, 7]';
    return { values, scales, bits, groupSize: shape[1]!, node };
  }
  if (node.target === `${Q}dequantize_per_channel_group`) {
    const bits = range(numberOf(node.args[3]), numberOf(node.args[4]));
    const groupSize = numberOf(node.args[6]);
    if (node.args[2]?.kind !== 'none' || bits !== 4 || groupSize === undefined) return 'group-quantized weights must be symmetric int4 [-8, 7]';
    if (groupSize % 32 !== 0 || shape[1]! % groupSize !== 0) return `group size ${groupSize} is not a multiple of 32 dividing ${shape[1]} (XNNPACK qb4w)`;
    return { values, scales, bits, groupSize, node };
  }
  return `weight comes from ${node.target}`;
}

/** The [in, out] constant behind `transpose(W, 0, 1)` / `permute(W, [1, 0])` used only by this linear. */
function transposedConstant(arg: NodeArgument, linear: Node, context: SupportContext): { weight: NodeArgument; node: Node } | undefined {
  const node = context.producer(arg);
  const source = node?.args[0];
  if (!node || source?.kind !== 'node' || !context.isConstant(source) || !context.isFloatTensor(source) || context.rank(source) !== 2) return undefined;
  const swapsAxes =
    (node.target === 'aten::transpose_copy.int' && new Set([numberOf(node.args[1]), numberOf(node.args[2])]).size === 2 && [0, 1, -1, -2].includes(numberOf(node.args[1])!) && [0, 1, -1, -2].includes(numberOf(node.args[2])!)) ||
    (node.target === 'aten::permute_copy' && node.args[1]?.kind === 'list' && JSON.stringify(node.args[1].items.map((item) => numberOf(item))) === '[1,0]');
  return swapsAxes && onlyUsedBy(node, [linear], context) ? { weight: source, node } : undefined;
}

function checkLinear(node: Node, context: SupportContext): Support {
  const [input, weight, bias] = node.args;
  if (!context.producesFloat(node)) return declined('output is not fp32');
  if (input?.kind !== 'node' || weight?.kind !== 'node') return declined('input and weight must be tensors');
  if (bias && bias.kind !== 'none' && !(context.isConstant(bias) && context.isFloatTensor(bias) && context.rank(bias) === 1)) return declined('bias must be an fp32 constant vector');
  if (context.isConstant(weight)) {
    if (!context.isFloatTensor(weight) || context.rank(weight) !== 2) return declined('weight must be a 2-D fp32 constant');
    if (!context.isFloatTensor(input)) return declined('input is not fp32');
    return { supported: true };
  }
  const transposed = transposedConstant(weight, node, context);
  if (transposed) return context.isFloatTensor(input) ? { supported: true, absorbs: [transposed.node] } : declined('input is not fp32');
  const activation = activationPattern(input, node, context);
  if (typeof activation === 'string') return declined(`dynamically quantized linear: ${activation}`);
  const weights = weightPattern(weight, node, context);
  if (typeof weights === 'string') return declined(`dynamically quantized linear: ${weights}`);
  return { supported: true, absorbs: [...activation.nodes, weights.node] };
}

function lowerLinear(node: Node, builder: XnnGraphBuilder, context: SupportContext): void {
  const [input, weight, bias] = node.args as [NodeArgument, NodeArgument, NodeArgument | { kind: 'none' }];
  const biasId = bias.kind === 'node' ? builder.valueOf(bias) : 0xffffffff;
  if (context.isConstant(weight)) {
    builder.add({ kind: 'FullyConnected', input1Id: builder.valueOf(input), filterId: builder.valueOf(weight), biasId, outputId: builder.result(node), flags: 0 });
    return;
  }
  const transposed = transposedConstant(weight, node, context);
  if (transposed) {
    builder.add({ kind: 'FullyConnected', input1Id: builder.valueOf(input), filterId: builder.valueOf(transposed.weight), biasId, outputId: builder.result(node), flags: FLAG_TRANSPOSE_WEIGHTS });
    return;
  }
  const activation = activationPattern(input, node, context) as ActivationPattern;
  const weights = weightPattern(weight, node, context) as WeightPattern;
  const dims = builder.dimsOf(activation.input);
  const quantized = builder.dynamicallyQuantized(dims);
  builder.add({ kind: 'Convert', inputId: builder.valueOf(activation.input), outputId: quantized, flags: 0 });
  const [outputs, inputs] = context.staticShape(weights.values) as [number, number];
  const values = builder.program.constants.get(context.constantTarget(weights.values)!)!.read().data as Int8Array;
  const scales = builder.program.constants.get(context.constantTarget(weights.scales)!)!.read().data as Float32Array;
  const filterId = weights.bits === 8 ? builder.channelwiseInt8Filter(values, scales, outputs, inputs) : builder.int4Filter(values, scales, outputs, inputs, weights.groupSize);
  builder.add({ kind: 'FullyConnected', input1Id: quantized, filterId, biasId, outputId: builder.result(node), flags: 0 });
}

/** The linear operator entry. */
export function linearOperators(): XnnpackOperator[] {
  return [{ target: 'aten::linear', check: checkLinear, lower: lowerLinear }];
}
