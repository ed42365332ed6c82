/**
 * Quantizes linear layers, in the operator patterns ExecuTorch uses, so that a delegate's
 * partitioner (XNNPACK's) recognizes them and the reference evaluator and portable kernels run
 * them as written:
 *
 *   activations, dynamic per token (8da…):
 *     s, z = quantized_decomposed::choose_qparams_per_token_asymmetric(x, int8)
 *     x' = dequantize_per_token(quantize_per_token(x, s, z, -128, 127, int8), s, z, -128, 127, int8, float32)
 *   weights, symmetric per output channel (8-bit, [-127, 127]) or per group of the input
 *   dimension (4-bit, [-8, 7]; per channel, or 8-bit with `ungroupedBits: 8`, when the group size
 *   does not divide it):
 *     W' = dequantize_per_channel(Wq, scales, None, 0, -127, 127, int8)
 *     W' = dequantize_per_channel_group(Wq, scales, None, -8, 7, int8, group_size, float32)
 *   y = aten::linear(x', W', bias)
 */

import { InvalidArgumentError } from '../errors.js';
import { GraphBuilder } from '../ir/builder.js';
import type { Node } from '../ir/graph.js';
import type { ConstantData, InputSpec } from '../ir/program.js';
import { quantizeSymmetric } from '../kernels/quantize.js';
import type { Pass } from '../passes/pass.js';
import { ScalarType } from '../scalar-type.js';
import { quantizeLeastSquares } from './least-squares-scales.js';
import { QuantizationCache } from './quantized-constant.js';

export interface LinearQuantizationOptions {
  /** 8: int8 per output channel; 4: int4 per group of `groupSize` input elements. */
  readonly weightBits: 8 | 4;
  /** Group size for 4-bit weights (default 32); falls back to per channel when it does not divide. */
  readonly groupSize?: number;
  /** `dynamic-per-token` quantizes activations at run time (8da8w, 8da4w); `none` is weight-only. */
  readonly activations: 'dynamic-per-token' | 'none';
  /** Which linears to quantize (default: every linear whose weight is a 2-D float parameter). */
  readonly include?: (node: Node) => boolean;
  /** Choose each group's scale by least squared error instead of the max (see quantizeLeastSquares). */
  readonly searchScale?: boolean;
  /**
   * The dtype the delegate reads group-wise (blockwise) scales in, when coarser than the weights'
   * (XNNPACK: bfloat16); searched scales are chosen already rounded to it.
   */
  readonly groupScaleDtype?: ScalarType;
  /**
   * Bits for the graph's last linear — a causal LM's output head — when they differ from
   * `weightBits`: 4-bit recipes keep the head at 8 bits per channel, as llama.cpp keeps
   * `output.weight` at higher precision, because its errors land directly on the logits.
   */
  readonly outputLayerBits?: 8 | 4;
  /**
   * Bits for a 4-bit linear whose input width the group size does not divide (default 4, one scale
   * per output channel across the whole row — the coarsest 4-bit grid there is; torchao's 8da4w
   * quantizer leaves such linears in fp32). 8 quantizes them as 8-bit linears, per channel.
   */
  readonly ungroupedBits?: 8 | 4;
}

export function weightRange(bits: 8 | 4): { quantMin: number; quantMax: number } {
  return bits === 8 ? { quantMin: -127, quantMax: 127 } : { quantMin: -8, quantMax: 7 };
}

export function quantizeLinears(options: LinearQuantizationOptions): Pass {
  return {
    name: `quantize-linears-${options.activations === 'none' ? '' : '8da'}${options.weightBits}w${options.searchScale ? '-searched' : ''}`,
    run(program, { registry }) {
      const graph = program.graph.clone();
      const constants = new Map<string, ConstantData>(program.constants);
      const inputs: InputSpec[] = [...program.signature.inputs];
      const parameterOf = new Map(program.signature.inputs.filter((s) => s.kind === 'parameter' || s.kind === 'constant').map((s) => [s.node, s.target!]));
      const cache = new QuantizationCache();
      const addConstant = (name: string, data: ConstantData, meta: { dtype: ScalarType; shape: readonly number[] }) => {
        const placeholder = graph.addPlaceholder(name.replace(/\./g, '_'), GraphBuilder.tensor(meta.dtype, meta.shape));
        constants.set(name, data);
        inputs.push({ kind: 'constant', node: placeholder.node, target: name });
        return placeholder;
      };
      const outputLayer = graph.nodes.filter((node) => node.kind === 'call' && node.target === 'aten::linear').at(-1);
      for (const node of [...graph.nodes]) {
        if (node.kind !== 'call' || node.target !== 'aten::linear') continue;
        const [input, weight, bias] = node.args;
        if (input?.kind !== 'node' || weight?.kind !== 'node' || !parameterOf.has(weight.node)) continue;
        const weightMeta = graph.tensorMetaOf(weight);
        if (weightMeta.shape.length !== 2 || weightMeta.dtype !== ScalarType.FLOAT || (options.include && !options.include(node))) continue;
        const [rows, columns] = weightMeta.shape as [number, number];
        const target = parameterOf.get(weight.node)!;
        let bits = node === outputLayer && options.outputLayerBits ? options.outputLayerBits : options.weightBits;
        const requested = bits === 4 ? (options.groupSize ?? 32) : columns;
        if (!Number.isInteger(requested) || requested < 1) throw new InvalidArgumentError('groupSize', `must be a positive integer, got ${requested}`);
        if (columns % requested !== 0) bits = options.ungroupedBits ?? bits;
        const range = weightRange(bits);
        const groupSize = columns % requested === 0 ? requested : columns;
        const groups = columns / groupSize;
        const key = `${bits}:${groupSize}${options.searchScale ? ':searched' : ''}`;
        const quantized = cache.constants(
          constants.get(target)!,
          key,
          { values: { dtype: ScalarType.CHAR, shape: [rows, columns] }, scales: { dtype: ScalarType.FLOAT, shape: groups === 1 ? [rows] : [rows, groups] } },
          (w) =>
            options.searchScale
              ? quantizeLeastSquares(w, groupSize, range, { scaleDtype: groups > 1 ? options.groupScaleDtype : undefined })
              : quantizeSymmetric(w, bits, groupSize, range),
        );
        const suffix = bits === 4 && groups > 1 ? `q${bits}g${groupSize}` : `q${bits}`;
        const values = addConstant(`${target}.${suffix}.values`, quantized.values, quantized.values);
        const scales = addConstant(`${target}.${suffix}.scales`, quantized.scales, quantized.scales);
        const b = new GraphBuilder(registry, graph, node);
        const dequantizedWeight = b.scope(node.meta.source ?? node.name, () =>
          groups === 1
            ? b.op('quantized_decomposed::dequantize_per_channel', values, scales, null, 0, range.quantMin, range.quantMax, ScalarType.CHAR)
            : b.op('quantized_decomposed::dequantize_per_channel_group', values, scales, null, range.quantMin, range.quantMax, ScalarType.CHAR, groupSize, ScalarType.FLOAT),
        );
        let activation = input;
        if (options.activations === 'dynamic-per-token') {
          activation = b.scope(node.meta.source ?? node.name, () => {
            const [scale, zeroPoint] = b.call('quantized_decomposed::choose_qparams_per_token_asymmetric', [input, ScalarType.CHAR]);
            const q = b.op('quantized_decomposed::quantize_per_token', input, scale!, zeroPoint!, -128, 127, ScalarType.CHAR);
            return b.op('quantized_decomposed::dequantize_per_token', q, scale!, zeroPoint!, -128, 127, ScalarType.CHAR, ScalarType.FLOAT);
          });
        }
        node.args = [activation, dequantizedWeight, bias ?? { kind: 'none' }];
      }
      return program.with({ graph, constants, signature: { inputs, outputs: program.signature.outputs } });
    },
  };
}
