/**
 * Folds pure operators whose tensor inputs are all parameters or constants (a transposed weight,
 * a RoPE table, an `arange`) into new constants. The folded data is computed lazily, when the
 * emitter reads it, so folding the weights of a large model never holds them all in memory.
 */

import type { Argument } from '../ir/argument.js';
import { referencedNodes } from '../ir/argument.js';
import type { ConstantData, InputSpec } from '../ir/program.js';
import { isStaticShape } from '../ir/sym.js';
import { Tensor } from '../kernels/tensor.js';
import { CALL_DELEGATE } from '../ops/etch/index.js';
import { RuntimeArgs, scalarKindsOf } from '../ops/runtime-args.js';
import type { RuntimeValue } from '../ops/runtime-value.js';
import { elementSize } from '../scalar-type.js';
import type { Pass } from './pass.js';

/** Folding may not grow data by more than this beyond twice its inputs (an expand of a constant). */
const FOLD_SLACK_BYTES = 64 * 1024;

function resolveLazy(arg: Argument, constantOf: Map<number, ConstantData>): RuntimeValue {
  switch (arg.kind) {
    case 'node':
      return constantOf.get(arg.node)!.read();
    case 'list':
      return arg.items.map((item) => resolveLazy(item, constantOf));
    case 'none':
      return null;
    default:
      return arg.value;
  }
}

export const constantFolding: Pass = {
  name: 'constant-folding',
  run(program, { registry }) {
    const graph = program.graph.clone();
    const constantOf = new Map<number, ConstantData>();
    for (const spec of program.signature.inputs) {
      if (spec.kind === 'parameter' || spec.kind === 'constant') constantOf.set(spec.node, program.constants.get(spec.target!)!);
    }
    const constants = new Map(program.constants);
    const inputs: InputSpec[] = [...program.signature.inputs];
    let folded = 0;
    for (const node of [...graph.nodes]) {
      if (node.kind !== 'call') continue;
      // A delegate call's meaning is its payload, which only the backend can run.
      if (node.target === CALL_DELEGATE) continue;
      const def = registry.find(node.target!);
      if (def?.kind !== 'functional' || node.outputs.length !== 1) continue;
      const meta = node.outputs[0]!;
      if (meta.kind !== 'tensor' || !isStaticShape(meta.shape)) continue;
      const refs = node.args.flatMap((a) => [...referencedNodes(a)]);
      if (!refs.every((r) => constantOf.has(r.node))) continue;
      const inputBytes = refs.reduce((sum, r) => {
        const c = constantOf.get(r.node)!;
        return sum + c.shape.reduce((n, d) => n * d, 1) * elementSize(c.dtype);
      }, 0);
      const shape = [...meta.shape];
      const outputBytes = shape.reduce((n, d) => n * d, 1) * elementSize(meta.dtype);
      if (outputBytes > 2 * inputBytes + FOLD_SLACK_BYTES) continue;
      const args = node.args;
      const data: ConstantData = {
        dtype: meta.dtype,
        shape,
        read: () => {
          const [result] = def.evaluate(new RuntimeArgs(def.schema, args.map((a) => resolveLazy(a, constantOf)), scalarKindsOf(args)));
          return result as Tensor;
        },
      };
      const target = `_folded.${node.name}`;
      const placeholder = graph.addPlaceholder(`_folded_${node.name}`, meta);
      constants.set(target, data);
      inputs.push({ kind: 'constant', node: placeholder.node, target });
      constantOf.set(placeholder.node, data);
      graph.replaceAllUses({ kind: 'node', node: node.id, output: 0 }, placeholder);
      graph.remove(node);
      folded++;
    }
    if (folded === 0) return program;
    // Placeholders were appended after the existing ones, in the same order as `inputs`.
    return program.with({ graph, constants, signature: { inputs, outputs: program.signature.outputs } });
  },
};
