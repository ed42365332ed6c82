/**
 * Quantizes embedding tables (ExecuTorch's `-E bits,group` option): `aten::embedding(W, ids)`
 * becomes `quantized_decomposed::embedding_byte.dtype` (8-bit) or `embedding_4bit.dtype` (4-bit,
 * two values per byte) over a symmetric per-row (or per-group) quantized table, which portable
 * kernels and the reference evaluator both run. A table shared with the output head (tied
 * embeddings) is quantized separately for each use.
 */

import { InvalidArgumentError } from '../errors.js';
import { GraphBuilder } from '../ir/builder.js';
import type { ConstantData, InputSpec } from '../ir/program.js';
import { quantizeSymmetric } from '../kernels/quantize.js';
import { packEmbeddingTable } from '../kernels/quantized-embedding.js';
import type { Pass } from '../passes/pass.js';
import { ScalarType } from '../scalar-type.js';
import { QuantizationCache } from './quantized-constant.js';

export interface EmbeddingQuantizationOptions {
  readonly bits: 8 | 4;
  /** Elements per scale along a row; 0 or absent means one scale per row. */
  readonly groupSize?: number;
}

export function quantizeEmbeddings(options: EmbeddingQuantizationOptions): Pass {
  return {
    name: `quantize-embeddings-${options.bits}bit`,
    run(program, { registry }) {
      const graph = program.graph.clone();
      const constants = new Map<string, ConstantData>(program.constants);
      const inputs: InputSpec[] = [...program.signature.inputs];
      const parameterOf = new Map(program.signature.inputs.filter((s) => s.kind === 'parameter' || s.kind === 'constant').map((s) => [s.node, s.target!]));
      const cache = new QuantizationCache();
      for (const node of [...graph.nodes]) {
        if (node.kind !== 'call' || node.target !== 'aten::embedding') continue;
        const [weight, indices] = node.args;
        if (weight?.kind !== 'node' || indices?.kind !== 'node' || !parameterOf.has(weight.node)) continue;
        const meta = graph.tensorMetaOf(weight);
        if (meta.shape.length !== 2 || meta.dtype !== ScalarType.FLOAT) continue;
        const [rows, columns] = meta.shape as [number, number];
        const groupSize = options.groupSize ? options.groupSize : columns;
        if (columns % groupSize !== 0) throw new InvalidArgumentError('embedding group size', `${groupSize} does not divide the embedding width ${columns}`);
        const groups = columns / groupSize;
        const target = parameterOf.get(weight.node)!;
        const packedColumns = options.bits === 4 ? columns / 2 : columns;
        const quantized = cache.constants(
          constants.get(target)!,
          `embedding:${options.bits}:${groupSize}`,
          {
            values: { dtype: options.bits === 4 ? ScalarType.BYTE : ScalarType.CHAR, shape: [rows, packedColumns] },
            scales: { dtype: ScalarType.FLOAT, shape: groups === 1 ? [rows] : [rows, groups] },
          },
          (w) => {
            const { values, scales } = quantizeSymmetric(w, options.bits, groupSize);
            return { values: options.bits === 4 ? packEmbeddingTable(values, 4) : values, scales };
          },
        );
        const add = (name: string, data: ConstantData) => {
          const placeholder = graph.addPlaceholder(name.replace(/\./g, '_'), GraphBuilder.tensor(data.dtype, data.shape));
          constants.set(name, data);
          inputs.push({ kind: 'constant', node: placeholder.node, target: name });
          return placeholder;
        };
        const tag = `embedding_q${options.bits}${groups > 1 ? `g${groupSize}` : ''}`;
        const values = add(`${target}.${tag}.values`, quantized.values);
        const scales = add(`${target}.${tag}.scales`, quantized.scales);
        const b = new GraphBuilder(registry, graph, node);
        const op = options.bits === 8 ? 'quantized_decomposed::embedding_byte.dtype' : 'quantized_decomposed::embedding_4bit.dtype';
        const range = options.bits === 8 ? [-128, 127] : [-8, 7];
        const lookup = b.opNamed(op, [values, scales, null, range[0]!, range[1]!, indices], { dtype: ScalarType.FLOAT });
        graph.replaceAllUses({ kind: 'node', node: node.id, output: 0 }, lookup);
        graph.remove(node);
      }
      return program.with({ graph, constants, signature: { inputs, outputs: program.signature.outputs } });
    },
  };
}
