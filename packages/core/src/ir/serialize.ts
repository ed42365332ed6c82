/**
 * JSON round trip of graphs and programs, for debugging and for checking that a partitioner left
 * a graph untouched. Constant data is not serialized (only dtype and shape), so a program read
 * back from JSON carries zero-filled constants unless the caller supplies data.
 */

import type { Argument } from './argument.js';
import { Graph } from './graph.js';
import type { NodeKind, NodeMeta } from './graph.js';
import type { ValueMeta } from './meta.js';
import type { ExportedProgram, GraphSignature, MetadataValue } from './program.js';
import type { SymbolTable } from './sym.js';

export interface NodeJson {
  id: number;
  kind: NodeKind;
  name: string;
  target?: string;
  args: Argument[];
  outputs: ValueMeta[];
  meta?: Record<string, unknown>;
}

export interface GraphJson {
  nodes: NodeJson[];
}

export interface ProgramJson {
  graph: GraphJson;
  signature: GraphSignature;
  constants: { name: string; dtype: number; shape: number[] }[];
  buffers: { name: string; dtype: number; shape: number[]; mutable: boolean; hasInitial: boolean }[];
  symbols: SymbolTable;
  metadata: Record<string, MetadataValue>;
  namedData: { key: string; bytes: number }[];
  inputNames: readonly string[];
  outputNames: readonly string[];
}

/** Node meta keys that hold plain data (others, such as lowered delegates, are omitted). */
function plainMeta(meta: NodeMeta): Record<string, unknown> | undefined {
  const result: Record<string, unknown> = {};
  if (meta.source) result['source'] = meta.source;
  if (meta.delegation) result['delegation'] = meta.delegation;
  return Object.keys(result).length ? result : undefined;
}

export function graphToJson(graph: Graph): GraphJson {
  return {
    nodes: graph.nodes.map((n) => {
      const json: NodeJson = { id: n.id, kind: n.kind, name: n.name, args: n.args, outputs: n.outputs };
      if (n.target) json.target = n.target;
      const meta = plainMeta(n.meta);
      if (meta) json.meta = meta;
      return json;
    }),
  };
}

export function graphFromJson(json: GraphJson): Graph {
  return Graph.fromNodes(
    json.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, target: n.target, args: n.args, outputs: n.outputs, meta: (n.meta ?? {}) as NodeMeta })),
  );
}

export function programToJson(program: ExportedProgram): ProgramJson {
  return {
    graph: graphToJson(program.graph),
    signature: program.signature,
    constants: [...program.constants].map(([name, c]) => ({ name, dtype: c.dtype, shape: [...c.shape] })),
    buffers: [...program.buffers].map(([name, b]) => ({ name, dtype: b.dtype, shape: [...b.shape], mutable: b.mutable, hasInitial: b.initial !== null })),
    symbols: program.symbols,
    metadata: { ...program.metadata },
    namedData: [...program.namedData].map(([key, bytes]) => ({ key, bytes: bytes.length })),
    inputNames: program.inputNames,
    outputNames: program.outputNames,
  };
}
