/**
 * Runs one delegate over a set of methods: partition (checking the partitioner changed nothing
 * but tags), cut each partition out, lower all subgraphs (one by one, or as a whole program for
 * backends such as Core ML), and fuse each back as a delegate call. Nodes left untagged are the
 * partitioner's diagnostics, not errors.
 */

import { ConfigError, EtchError } from '../errors.js';
import type { NodeArgument } from '../ir/argument.js';
import { graphToJson } from '../ir/serialize.js';
import type { ExportedProgram } from '../ir/program.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { DelegateDefinition, DelegateSubgraph, LoweredPayload, PartitionDiagnostic } from './definition.js';
import type { LoweredDelegate } from './lowered.js';
import { type Partition, checkConvex, extractSubgraph, fusePartition } from './subgraph.js';

export interface DelegateUse {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly delegate: DelegateDefinition<any>;
  readonly options?: unknown;
}

export interface DelegationReport {
  readonly backendId: string;
  readonly method: string;
  readonly partitions: number;
  readonly delegatedNodes: number;
  readonly diagnostics: readonly PartitionDiagnostic[];
}

export interface DelegationResult {
  readonly methods: Record<string, ExportedProgram>;
  readonly reports: readonly DelegationReport[];
}

export function resolveDelegateOptions(use: DelegateUse): unknown {
  const schema = use.delegate.optionsSchema;
  if (!schema) return use.options ?? {};
  const parsed = schema.safeParse(use.options ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      `${use.delegate.backendId} options`,
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

function partitionsOf(tags: ReadonlyMap<number, number>, program: ExportedProgram, backendId: string): Partition[] {
  const groups = new Map<number, number[]>();
  for (const node of program.graph.nodes) {
    const number = tags.get(node.id);
    if (number === undefined) continue;
    if (node.kind !== 'call') throw new EtchError('PARTITIONER_INVALID', `${backendId} tagged ${node.kind} node ${node.name}; only call nodes can be delegated`);
    const group = groups.get(number) ?? [];
    group.push(node.id);
    groups.set(number, group);
  }
  for (const id of tags.keys()) {
    if (!program.graph.has(id)) throw new EtchError('PARTITIONER_INVALID', `${backendId} tagged node ${id}, which is not in the graph`);
  }
  return [...groups].map(([number, nodes]) => ({ backendId, number, nodes }));
}

export async function applyDelegate(methods: Record<string, ExportedProgram>, use: DelegateUse, registry: OperatorRegistry, onProgress?: (fraction: number, message: string) => void): Promise<DelegationResult> {
  const delegate = use.delegate;
  const options = resolveDelegateOptions(use);
  const availability = delegate.isLoweringAvailable?.();
  if (availability && !availability.available) {
    throw new EtchError('DELEGATE_UNAVAILABLE', `${delegate.backendId} cannot lower here: ${availability.reason}`);
  }
  const pending: { method: string; program: ExportedProgram; partition: Partition; subgraph: DelegateSubgraph; inputs: ReturnType<typeof extractSubgraph> }[] = [];
  const reports: DelegationReport[] = [];
  const result: Record<string, ExportedProgram> = {};
  for (const [method, original] of Object.entries(methods)) {
    const program = original.with({ graph: original.graph.clone() });
    const before = JSON.stringify(graphToJson(program.graph));
    const partitioned = delegate.partition({ program, registry, options });
    if (JSON.stringify(graphToJson(program.graph)) !== before) {
      throw new EtchError('PARTITIONER_MUTATED_GRAPH', `${delegate.backendId}'s partitioner changed the graph of '${method}'; a partitioner may only return tags`);
    }
    const partitions = partitionsOf(partitioned.tags, program, delegate.backendId);
    for (const partition of partitions) {
      checkConvex(program.graph, partition);
      const extracted = extractSubgraph(program, partition);
      pending.push({ method, program, partition, subgraph: { method, partition: partition.number, program: extracted.program }, inputs: extracted });
    }
    reports.push({
      backendId: delegate.backendId,
      method,
      partitions: partitions.length,
      delegatedNodes: partitions.reduce((n, p) => n + p.nodes.length, 0),
      diagnostics: partitioned.diagnostics,
    });
    result[method] = program;
  }
  const context = { registry, options, ...(onProgress ? { onProgress } : {}) };
  let payloads: readonly LoweredPayload[];
  if (delegate.lowerProgram) {
    payloads = await delegate.lowerProgram(pending.map((p) => p.subgraph), context);
  } else if (delegate.lower) {
    const lowered: LoweredPayload[] = [];
    for (const [i, p] of pending.entries()) {
      lowered.push(await delegate.lower(p.subgraph, context));
      onProgress?.((i + 1) / pending.length, `${delegate.backendId}: lowered ${i + 1}/${pending.length}`);
    }
    payloads = lowered;
  } else {
    throw new EtchError('DELEGATE_INVALID', `${delegate.backendId} defines neither lower nor lowerProgram`);
  }
  if (payloads.length !== pending.length) {
    throw new EtchError('DELEGATE_INVALID', `${delegate.backendId} returned ${payloads.length} payloads for ${pending.length} subgraphs`);
  }
  const replaced = new Map<ExportedProgram, Map<string, NodeArgument>>();
  pending.forEach((p, i) => {
    const lowered: LoweredDelegate = { backendId: delegate.backendId, subgraph: p.subgraph.program, payload: payloads[i]! };
    const map = replaced.get(p.program) ?? new Map<string, NodeArgument>();
    replaced.set(p.program, map);
    fusePartition(p.program.graph, p.partition, p.inputs, lowered, map);
  });
  return { methods: result, reports };
}
