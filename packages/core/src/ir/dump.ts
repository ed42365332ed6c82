/**
 * A readable text form of a program, one node per line, for debugging exports:
 *
 *     %q_proj = aten::linear(%input_layernorm, %layers.0.self_attn.q_proj.weight, None) : f32[1, s, 64]
 */

import type { Argument } from './argument.js';
import type { Graph } from './graph.js';
import type { ValueMeta } from './meta.js';
import type { ExportedProgram } from './program.js';
import { shapeToString, dimToString } from './sym.js';
import { torchDtypeName } from '../scalar-type.js';

const SHORT_DTYPE: Record<string, string> = { float32: 'f32', float16: 'f16', bfloat16: 'bf16', float64: 'f64', int64: 'i64', int32: 'i32', int8: 'i8', uint8: 'u8', bool: 'bool' };

export function metaToString(meta: ValueMeta): string {
  switch (meta.kind) {
    case 'tensor': {
      const name = torchDtypeName(meta.dtype);
      return `${SHORT_DTYPE[name] ?? name}${shapeToString(meta.shape)}`;
    }
    case 'symint':
      return `SymInt(${dimToString(meta.value)})`;
    case 'tensor_list':
      return `[${meta.items.map(metaToString).join(', ')}]`;
    default:
      return meta.kind;
  }
}

function argumentToString(graph: Graph, arg: Argument): string {
  switch (arg.kind) {
    case 'node': {
      const node = graph.node(arg.node);
      return node.outputs.length > 1 ? `%${node.name}[${arg.output}]` : `%${node.name}`;
    }
    case 'list':
      return `[${arg.items.map((a) => argumentToString(graph, a)).join(', ')}]`;
    case 'none':
      return 'None';
    case 'str':
      return JSON.stringify(arg.value);
    case 'float':
      return Number.isInteger(arg.value) ? arg.value.toFixed(1) : String(arg.value);
    case 'dtype':
      return torchDtypeName(arg.value);
    default:
      return String(arg.value);
  }
}

export function dumpGraph(graph: Graph): string {
  const lines: string[] = [];
  for (const node of graph.nodes) {
    const outputs = node.outputs.map(metaToString).join(', ');
    if (node.kind === 'placeholder') lines.push(`  %${node.name} : ${outputs}`);
    else if (node.kind === 'call') {
      const tag = node.meta.delegation ? `  # ${node.meta.delegation.backendId}:${node.meta.delegation.partition}` : '';
      lines.push(`  %${node.name} = ${node.target}(${node.args.map((a) => argumentToString(graph, a)).join(', ')}) : ${outputs}${tag}`);
    } else lines.push(`  return (${node.args.map((a) => argumentToString(graph, a)).join(', ')})`);
  }
  return lines.join('\n');
}

/** The graph plus the signature, symbols and metadata. */
export function dumpProgram(program: ExportedProgram): string {
  const roles = program.signature.inputs.map((spec) => `  ${program.graph.node(spec.node).name}: ${spec.kind}${spec.target ? ` ${spec.target}` : ''}`);
  const mutations = program.signature.outputs.flatMap((spec, i) => (spec.kind === 'buffer_mutation' ? [`  output ${i} → ${spec.target}`] : []));
  const symbols = Object.entries(program.symbols).map(([name, b]) => `  ${name} ∈ [${b.min}, ${b.max}]`);
  const metadata = Object.entries(program.metadata).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`);
  return [
    'graph:',
    dumpGraph(program.graph),
    'inputs:',
    ...roles,
    ...(mutations.length ? ['mutations:', ...mutations] : []),
    ...(symbols.length ? ['symbols:', ...symbols] : []),
    ...(metadata.length ? ['metadata:', ...metadata] : []),
  ].join('\n');
}
