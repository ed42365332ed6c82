/**
 * Converts functional operators to the forms ExecuTorch kernels implement:
 *
 * 1. Re-inplacing: a functional op with an in-place variant whose `self` is a mutable buffer read
 *    by nothing else, and whose result is written back to that same buffer (a KV cache update via
 *    `index_put`), becomes the in-place op, so the cache is updated where it lives.
 * 2. Every other functional op becomes its `.out` variant with explicit out tensors made by
 *    `etch::alloc` nodes, which the memory planner places.
 * 3. Buffer mutations whose value does not already live in the buffer get an explicit
 *    `aten::copy_` write-back at the end, as ExecuTorch emits it.
 */

import { ExecutionError, UnsupportedOperatorError } from '../errors.js';
import { type Argument, type NodeArgument, dtype, int, list, ref } from '../ir/argument.js';
import type { Graph, Node } from '../ir/graph.js';
import type { TensorMeta } from '../ir/meta.js';
import type { ExportedProgram, OutputSpec } from '../ir/program.js';
import { upperBound } from '../ir/sym.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { ALLOC } from '../ops/etch/index.js';
import { type ArgumentSchema, outArgumentIndices } from '../ops/schema.js';
import { defaultArgument } from '../ir/normalize.js';
import { storageRoot } from './aliases.js';
import type { Pass } from './pass.js';

function bufferPlaceholders(program: ExportedProgram): Map<number, string> {
  return new Map(program.signature.inputs.filter((s) => s.kind === 'buffer').map((s) => [s.node, s.target!]));
}

function reinplace(program: ExportedProgram, graph: Graph, registry: OperatorRegistry): void {
  const buffers = bufferPlaceholders(program);
  const users = graph.userMap();
  const output = graph.outputNode;
  if (!output) return;
  program.signature.outputs.forEach((spec, i) => {
    if (spec.kind !== 'buffer_mutation') return;
    const value = output.args[i];
    if (value?.kind !== 'node') return;
    const node = graph.node(value.node);
    if (node.kind !== 'call') return;
    const def = registry.find(node.target!);
    if (def?.kind !== 'functional' || !def.inplaceVariant) return;
    const self = node.args[0];
    if (self?.kind !== 'node' || buffers.get(self.node) !== spec.target) return;
    const readers = users.get(self.node) ?? [];
    if (readers.length !== 1 || readers[0] !== node) return;
    node.target = def.inplaceVariant;
  });
}

/**
 * Whether a functional argument the out variant drops is harmless to drop: None, its default, or
 * a `dtype` the out tensor carries (`_to_copy(x, dtype=…)` → `_to_copy.out` into a tensor of it).
 */
function isDefaultOrNone(value: Argument, schema: ArgumentSchema, outputs: readonly TensorMeta[]): boolean {
  if (value.kind === 'none') return true;
  if (value.kind === 'dtype' && schema.name === 'dtype' && outputs.length === 1 && outputs[0]!.dtype === value.value) return true;
  const fallback = defaultArgument(schema);
  return fallback !== undefined && JSON.stringify(value) === JSON.stringify(fallback);
}

function allocFor(graph: Graph, meta: TensorMeta, program: ExportedProgram, before: Node, name: string): NodeArgument {
  const size = meta.shape.map((d) => upperBound(d, program.symbols));
  const alloc = graph.addCall(ALLOC, [dtype(meta.dtype), list(size.map((d) => int(d)))], [meta], { name: `${name}_out`, before });
  return ref(alloc.id);
}

function convertToOut(program: ExportedProgram, graph: Graph, registry: OperatorRegistry): void {
  for (const node of [...graph.nodes]) {
    if (node.kind !== 'call' || node.target === ALLOC) continue;
    const def = registry.get(node.target!);
    if (def.kind !== 'functional') continue;
    if (!def.outVariant) {
      throw new UnsupportedOperatorError(node.target!, `has no .out variant for ExecuTorch (node ${node.name}); a decomposition must run before this pass`);
    }
    const outDef = registry.get(def.outVariant);
    const outIndices = outArgumentIndices(outDef.schema);
    const tensors = node.outputs.map((meta) => {
      if (meta.kind !== 'tensor') throw new UnsupportedOperatorError(node.target!, `output of kind ${meta.kind} cannot be an out tensor`);
      return meta;
    });
    const allocs = tensors.map((meta, i) => allocFor(graph, meta, program, node, tensors.length > 1 ? `${node.name}_${i}` : node.name));
    const isListOut = outIndices.length === 1 && outDef.schema.args[outIndices[0]!]!.type.list;
    if (!isListOut && allocs.length !== outIndices.length) {
      throw new ExecutionError(`${def.outVariant} takes ${outIndices.length} out tensors, ${node.target} produces ${allocs.length}`);
    }
    // Match arguments by name: an out variant may omit functional arguments (its out tensor
    // carries them, e.g. the dtype of `_to_dim_order_copy.out`) or add defaulted ones.
    const byName = new Map(def.schema.args.map((a, i) => [a.name, node.args[i]!]));
    let nextOut = 0;
    const args = outDef.schema.args.map((arg, i) => {
      if (outIndices.includes(i)) return isListOut ? list(allocs) : allocs[nextOut++]!;
      const given = byName.get(arg.name);
      if (given) return given;
      const fallback = defaultArgument(arg);
      if (fallback) return fallback;
      throw new ExecutionError(`${def.outVariant} needs argument '${arg.name}', which ${node.target} does not have`);
    });
    for (const [name, value] of byName) {
      if (!outDef.schema.args.some((a) => a.name === name) && !isDefaultOrNone(value, def.schema.args.find((a) => a.name === name)!, tensors)) {
        throw new ExecutionError(`${node.name}: argument '${name}' of ${node.target} has no place in ${def.outVariant}`);
      }
    }
    node.target = def.outVariant;
    node.args = args;
  }
}

const COPY = 'aten::copy_';

function writeBackMutations(program: ExportedProgram, graph: Graph, registry: OperatorRegistry): OutputSpec[] {
  const output = graph.outputNode;
  if (!output) return [...program.signature.outputs];
  const placeholders = new Map(program.signature.inputs.filter((s) => s.kind === 'buffer').map((s) => [s.target!, s.node]));
  const args = [...output.args];
  program.signature.outputs.forEach((spec, i) => {
    if (spec.kind !== 'buffer_mutation') return;
    const value = args[i];
    const bufferNode = placeholders.get(spec.target!);
    if (value?.kind !== 'node' || bufferNode === undefined) return;
    if (storageRoot(graph, registry, value).node === bufferNode) return;
    registry.get(COPY);
    const copy = graph.addCall(COPY, [ref(bufferNode), value, { kind: 'bool', value: false }], [graph.metaOf(ref(bufferNode))], {
      name: `${spec.target}_write_back`,
      before: output,
    });
    args[i] = ref(copy.id);
  });
  output.args = args;
  return [...program.signature.outputs];
}

export const toOutVariants: Pass = {
  name: 'to-out-variants',
  run(program, { registry }) {
    const graph = program.graph.clone();
    reinplace(program, graph, registry);
    convertToOut(program, graph, registry);
    const outputs = writeBackMutations(program, graph, registry);
    return program.with({ graph, signature: { inputs: program.signature.inputs, outputs } });
  },
};
