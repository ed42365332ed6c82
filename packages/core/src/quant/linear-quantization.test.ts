import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder.js';
import { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { ScalarType } from '../scalar-type.js';
import { quantizeLinears } from './linear-quantization.js';

const registry = createOperatorRegistry(coreOperators());

function parameter(rows: number, columns: number) {
  const values = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i) / 4);
  return { dtype: ScalarType.FLOAT, shape: [rows, columns], read: () => Tensor.fromArray(ScalarType.FLOAT, [rows, columns], values) };
}

/** x → linear(w1) → linear(head): a body layer and an output head. */
function twoLinears(): ExportedProgram {
  const b = new GraphBuilder(registry);
  const x = b.placeholder('x', GraphBuilder.tensor(ScalarType.FLOAT, [1, 64]));
  const w1 = b.placeholder('w1', GraphBuilder.tensor(ScalarType.FLOAT, [64, 64]));
  const head = b.placeholder('head', GraphBuilder.tensor(ScalarType.FLOAT, [96, 64]));
  b.output([b.op('aten::linear', b.op('aten::linear', x, w1, null), head, null)]);
  const [px, pw, ph] = b.graph.placeholders;
  return new ExportedProgram({
    graph: b.graph,
    signature: {
      inputs: [
        { kind: 'user_input', node: px!.id },
        { kind: 'parameter', node: pw!.id, target: 'w1' },
        { kind: 'parameter', node: ph!.id, target: 'head' },
      ],
      outputs: [{ kind: 'user_output' }],
    },
    constants: new Map([
      ['w1', parameter(64, 64)],
      ['head', parameter(96, 64)],
    ]),
  });
}

describe('quantizeLinears', () => {
  it('gives the output head its own bits with outputLayerBits', () => {
    const pass = quantizeLinears({ weightBits: 4, groupSize: 32, activations: 'dynamic-per-token', outputLayerBits: 8 });
    const program = pass.run(twoLinears(), { registry });
    const dequantizers = program.graph.nodes.filter((node) => node.target?.startsWith('quantized_decomposed::dequantize_per_channel')).map((node) => node.target);
    expect(dequantizers).toEqual(['quantized_decomposed::dequantize_per_channel_group', 'quantized_decomposed::dequantize_per_channel']);
    expect([...program.constants.keys()].filter((key) => key.startsWith('head.'))).toEqual(['head.q8.values', 'head.q8.scales']);
  });

  it('quantizes every linear alike without it', () => {
    const program = quantizeLinears({ weightBits: 4, groupSize: 32, activations: 'none' }).run(twoLinears(), { registry });
    const dequantizers = program.graph.nodes.filter((node) => node.target?.startsWith('quantized_decomposed::dequantize_per_channel')).map((node) => node.target);
    expect(dequantizers).toEqual(['quantized_decomposed::dequantize_per_channel_group', 'quantized_decomposed::dequantize_per_channel_group']);
  });

  it('quantizes linears the group size does not divide per channel, at ungroupedBits', () => {
    const keys = (program: ExportedProgram) => [...program.constants.keys()].filter((key) => key.includes('.q'));
    const fallback = (ungroupedBits?: 8) => quantizeLinears({ weightBits: 4, groupSize: 48, activations: 'none', ungroupedBits }).run(twoLinears(), { registry });
    expect(keys(fallback())).toEqual(['w1.q4.values', 'w1.q4.scales', 'head.q4.values', 'head.q4.scales']);
    const program = fallback(8);
    expect(keys(program)).toEqual(['w1.q8.values', 'w1.q8.scales', 'head.q8.values', 'head.q8.scales']);
    const ranges = program.graph.nodes.filter((node) => node.target === 'quantized_decomposed::dequantize_per_channel').map((node) => node.args.slice(4, 6));
    expect(ranges).toEqual(Array(2).fill([{ kind: 'int', value: -127 }, { kind: 'int', value: 127 }]));
  });
});
