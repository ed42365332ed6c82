/**
 * The reference evaluator: runs any IR program node by node with the operators' reference
 * semantics, in plain TypeScript. It is the oracle other packages test against (model builders
 * against Hugging Face goldens, passes against the graph before them, delegates against what they
 * replaced), so it favours obviousness over speed.
 */

import { ExecutionError, EtchError } from '../errors.js';
import type { Argument } from '../ir/argument.js';
import type { Node } from '../ir/graph.js';
import type { ExportedProgram } from '../ir/program.js';
import { Tensor } from '../kernels/tensor.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { loweredDelegateOf } from '../delegate/lowered.js';
import { RuntimeArgs, scalarKindsOf } from '../ops/runtime-args.js';
import type { RuntimeValue } from '../ops/runtime-value.js';

/** State that outlives a call: mutable buffers (the KV cache) and constants already read. */
export class ProgramState {
  readonly buffers = new Map<string, Tensor>();
  readonly constants = new Map<string, Tensor>();
  /** States of delegated subgraphs, so their weights are read once. */
  readonly subgraphs = new Map<ExportedProgram, ProgramState>();

  constructor(readonly program: ExportedProgram) {
    for (const [name, buffer] of program.buffers) {
      this.buffers.set(name, buffer.initial ? buffer.initial.read().clone() : Tensor.zeros(buffer.dtype, buffer.shape));
    }
  }

  constant(name: string): Tensor {
    let tensor = this.constants.get(name);
    if (!tensor) {
      const data = this.program.constants.get(name);
      if (!data) throw new ExecutionError(`no data for constant '${name}'`);
      tensor = data.read();
      this.constants.set(name, tensor);
    }
    return tensor;
  }

  /** Zeroes every mutable buffer (a fresh KV cache). */
  reset(): void {
    for (const [name, buffer] of this.program.buffers) {
      const fresh = buffer.initial ? buffer.initial.read() : null;
      const tensor = this.buffers.get(name)!;
      if (fresh) tensor.bytes.set(fresh.bytes);
      else tensor.bytes.fill(0);
    }
  }
}

export interface EvaluateOptions {
  registry: OperatorRegistry;
  /** Carries buffers across calls; a fresh state is used when omitted. */
  state?: ProgramState;
  /** Called after each node, for debugging numerics. */
  onNode?: (node: Node, values: readonly RuntimeValue[]) => void;
}

function resolve(arg: Argument, env: Map<number, RuntimeValue[]>): RuntimeValue {
  switch (arg.kind) {
    case 'node': {
      const values = env.get(arg.node);
      if (!values) throw new ExecutionError(`node ${arg.node} used before it was computed`);
      return values[arg.output] ?? null;
    }
    case 'int':
    case 'float':
    case 'dtype':
      return arg.value;
    case 'bool':
      return arg.value;
    case 'str':
      return arg.value;
    case 'none':
      return null;
    case 'list':
      return arg.items.map((item) => resolve(item, env));
  }
}

/**
 * A delegated subgraph runs through the reference evaluator too: its results are returned (the
 * functional form) or copied into the planned out tensors (after the `.out` conversion).
 */
function evaluateDelegate(subgraph: ExportedProgram, values: RuntimeValue[], state: ProgramState, options: EvaluateOptions): RuntimeValue[] {
  let subState = state.subgraphs.get(subgraph);
  if (!subState) {
    subState = new ProgramState(subgraph);
    state.subgraphs.set(subgraph, subState);
  }
  const results = evaluateProgram(subgraph, values[0] as RuntimeValue[], { registry: options.registry, state: subState });
  const outs = values[1] as RuntimeValue[] | undefined;
  if (!outs) return results;
  outs.forEach((out, i) => {
    const result = results[i];
    if (!(out instanceof Tensor) || !(result instanceof Tensor)) throw new ExecutionError('delegate outputs must be tensors');
    out.resize(result.shape);
    out.bytes.set(result.bytes);
  });
  return outs;
}

/** Runs the program on its user inputs; returns the user outputs and updates buffers in `state`. */
export function evaluateProgram(program: ExportedProgram, inputs: readonly RuntimeValue[], options: EvaluateOptions): RuntimeValue[] {
  const state = options.state ?? new ProgramState(program);
  const env = new Map<number, RuntimeValue[]>();
  const userInputs = program.userInputs;
  if (inputs.length !== userInputs.length) {
    throw new ExecutionError(`program takes ${userInputs.length} inputs (${program.inputNames.join(', ')}), got ${inputs.length}`);
  }
  let next = 0;
  for (const spec of program.signature.inputs) {
    switch (spec.kind) {
      case 'user_input':
        env.set(spec.node, [inputs[next++]!]);
        break;
      case 'parameter':
      case 'constant':
        env.set(spec.node, [state.constant(spec.target!)]);
        break;
      case 'buffer': {
        const buffer = state.buffers.get(spec.target!);
        if (!buffer) throw new ExecutionError(`no state for buffer '${spec.target}'`);
        env.set(spec.node, [buffer]);
        break;
      }
    }
  }
  for (const node of program.graph.nodes) {
    if (node.kind !== 'call') continue;
    const values = node.args.map((a) => resolve(a, env));
    let results: RuntimeValue[];
    try {
      const lowered = loweredDelegateOf(node);
      if (lowered) results = evaluateDelegate(lowered.subgraph, values, state, options);
      else {
        const def = options.registry.get(node.target!);
        results = def.evaluate(new RuntimeArgs(def.schema, values, scalarKindsOf(node.args)));
      }
    } catch (error) {
      if (EtchError.isInstance(error)) throw new ExecutionError(`${node.name} (${node.target}): ${error.message}`, { cause: error });
      throw error;
    }
    env.set(node.id, results);
    options.onNode?.(node, results);
  }
  const outputNode = program.graph.outputNode;
  const outputs: RuntimeValue[] = [];
  if (!outputNode) return outputs;
  outputNode.args.forEach((arg, i) => {
    const value = resolve(arg, env);
    const spec = program.signature.outputs[i]!;
    if (spec.kind === 'buffer_mutation') {
      const buffer = state.buffers.get(spec.target!)!;
      if (!(value instanceof Tensor)) throw new ExecutionError(`mutation of '${spec.target}' is not a tensor`);
      if (value !== buffer) buffer.bytes.set(value.bytes);
    } else {
      outputs.push(value);
    }
  });
  return outputs;
}
