/**
 * A small, complete delegate used to test the delegate machinery and as a worked example for
 * third parties: it claims float32 `add`, `sub` and `mul` (tensor or scalar operands), lowers a
 * subgraph to a JSON program with its constants in named data, and its runtime half interprets
 * that program with core's kernels.
 */

import { z } from 'zod';
import { type DelegateDefinition, defineDelegate } from '../delegate/definition.js';
import { groupPartitions } from '../delegate/group-partitions.js';
import { defineRuntimeBackend } from '../delegate/runtime-backend.js';
import { ExecutionError, PteFormatError } from '../errors.js';
import { contentHash } from '../emit/content-hash.js';
import type { Argument } from '../ir/argument.js';
import { mapBinary } from '../kernels/broadcast.js';
import { Tensor } from '../kernels/tensor.js';
import type { RuntimeValue } from '../ops/runtime-value.js';
import { broadcastShapes } from '../ops/shape-rules.js';
import { ScalarType } from '../scalar-type.js';

export const MOCK_BACKEND_ID = 'EtchMockBackend';

const SUPPORTED: Record<string, 'add' | 'sub' | 'mul'> = {
  'aten::add.Tensor': 'add',
  'aten::sub.Tensor': 'sub',
  'aten::mul.Tensor': 'mul',
  'aten::mul.Scalar': 'mul',
  'aten::add.Scalar': 'add',
};

type Operand = { input: number } | { node: number } | { constant: string; shape: number[] } | { scalar: number };

const payloadSchema = z.object({
  version: z.literal(1),
  inputs: z.number().int().nonnegative(),
  nodes: z.array(z.object({ op: z.enum(['add', 'sub', 'mul']), a: z.any(), b: z.any(), alpha: z.number() })),
  outputs: z.array(z.number().int().nonnegative()),
});

export interface MockDelegateOptions {
  /** Claim `mul` nodes (on by default); turning it off exercises partial delegation. */
  claimMul: boolean;
}

export const mockDelegate: DelegateDefinition<MockDelegateOptions> = defineDelegate({
  specificationVersion: 'v1',
  backendId: MOCK_BACKEND_ID,
  optionsSchema: z.object({ claimMul: z.boolean().default(true) }),
  partition({ program, options }) {
    const graph = program.graph;
    const diagnostics: { node: string; op: string; reason: string }[] = [];
    const isSupported = (node: (typeof graph.nodes)[number]) => {
      const op = SUPPORTED[node.target ?? ''];
      const floatOnly = node.outputs.every((m) => m.kind === 'tensor' && m.dtype === ScalarType.FLOAT);
      const ok = op !== undefined && floatOnly && (options.claimMul || op !== 'mul');
      if (!ok && node.kind === 'call') diagnostics.push({ node: node.name, op: node.target!, reason: op ? 'excluded by options or dtype' : 'operator not supported' });
      return ok;
    };
    return { tags: groupPartitions(graph, isSupported), diagnostics };
  },
  lower(subgraph) {
    const program = subgraph.program;
    const graph = program.graph;
    const operand = new Map<number, Operand>();
    const namedData: { key: string; data: Uint8Array; alignment: number }[] = [];
    let inputs = 0;
    for (const spec of program.signature.inputs) {
      if (spec.kind === 'user_input') operand.set(spec.node, { input: inputs++ });
      else {
        const tensor = program.constants.get(spec.target!)!.read();
        const data = new Uint8Array(tensor.bytes);
        const key = `mock_${contentHash(data)}`;
        namedData.push({ key, data, alignment: 16 });
        operand.set(spec.node, { constant: key, shape: [...tensor.shape] });
      }
    }
    const resolve = (arg: Argument | undefined): Operand => {
      if (arg?.kind === 'node') return operand.get(arg.node)!;
      if (arg?.kind === 'float' || arg?.kind === 'int') return { scalar: arg.value };
      throw new ExecutionError('mock delegate: unexpected argument');
    };
    const nodes = graph.nodes.filter((n) => n.kind === 'call').map((n, i) => {
      operand.set(n.id, { node: i });
      const alpha = n.args[2];
      return { op: SUPPORTED[n.target!]!, a: resolve(n.args[0]), b: resolve(n.args[1]), alpha: alpha?.kind === 'float' || alpha?.kind === 'int' ? alpha.value : 1 };
    });
    const outputs = graph.outputNode!.args.map((a) => (operand.get((a as { node: number }).node) as { node: number }).node);
    const json = JSON.stringify({ version: 1, inputs, nodes, outputs });
    return { processed: new TextEncoder().encode(json), namedData };
  },
});

interface MockHandle {
  payload: z.infer<typeof payloadSchema>;
  constants: Map<string, Tensor>;
}

/** The runtime half: interprets the JSON payload with core's broadcasting kernels. */
export const mockRuntimeBackend = defineRuntimeBackend<MockHandle>({
  specificationVersion: 'v1',
  backendId: MOCK_BACKEND_ID,
  isAvailable: () => true,
  init(processed, _compileSpecs, context) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(processed));
    } catch (error) {
      throw new PteFormatError('EtchMockBackend payload', 'not JSON', { cause: error });
    }
    const result = payloadSchema.safeParse(parsed);
    if (!result.success) throw new PteFormatError('EtchMockBackend payload', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const constants = new Map<string, Tensor>();
    for (const node of result.data.nodes) {
      for (const operand of [node.a, node.b] as Operand[]) {
        if ('constant' in operand && !constants.has(operand.constant)) {
          const bytes = context.namedData.get(operand.constant);
          if (!bytes) throw new PteFormatError('EtchMockBackend payload', `named data '${operand.constant}' is missing`);
          const copy = new Float32Array(bytes.byteLength / 4);
          new Uint8Array(copy.buffer).set(bytes);
          constants.set(operand.constant, Tensor.fromArray(ScalarType.FLOAT, operand.shape, copy));
        }
      }
    }
    return { payload: result.data, constants };
  },
  execute(handle, args) {
    const { payload } = handle;
    const inputs = args.slice(0, payload.inputs) as Tensor[];
    const results: Tensor[] = [];
    const value = (operand: Operand): Tensor => {
      if ('input' in operand) return inputs[operand.input]!;
      if ('node' in operand) return results[operand.node]!;
      if ('constant' in operand) return handle.constants.get(operand.constant)!;
      return Tensor.fromArray(ScalarType.FLOAT, [], Float32Array.of(Math.fround(operand.scalar)));
    };
    for (const node of payload.nodes) {
      const a = value(node.a as Operand);
      const b = value(node.b as Operand);
      const out = Tensor.zeros(ScalarType.FLOAT, broadcastShapes(a.shape, b.shape) as number[]);
      const alpha = Math.fround(node.alpha);
      const fn = node.op === 'mul' ? (x: number, y: number) => x * y : node.op === 'sub' ? (x: number, y: number) => x - Math.fround(alpha * y) : (x: number, y: number) => x + Math.fround(alpha * y);
      mapBinary(a, b, out, fn);
      results.push(out);
    }
    const outs = args.slice(payload.inputs) as RuntimeValue[];
    payload.outputs.forEach((nodeIndex, i) => {
      const out = outs[i];
      if (!(out instanceof Tensor)) throw new ExecutionError('EtchMockBackend: outputs must be tensors');
      const result = results[nodeIndex]!;
      out.resize(result.shape);
      out.bytes.set(result.bytes);
    });
  },
});
