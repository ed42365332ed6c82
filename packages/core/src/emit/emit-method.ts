/**
 * Emits one method: a lowered graph (out variants, allocs, delegate calls) plus its memory plan
 * becomes an `ExecutionPlan` — the value table, the operator table and one chain of
 * instructions — with the argument conventions of upstream's emitter: every schema argument in
 * order, then one return slot (the out tensor again, a TensorList for several outs, `self` for
 * in-place operators, a fresh scalar for symbolic operators). Literal arguments become fresh
 * EValues each time; ints inside lists are boxed as Int EValues so symbolic sizes can join them.
 */

import { ExecutionError, UnsupportedOperatorError } from '../errors.js';
import type { Argument, NodeArgument } from '../ir/argument.js';
import type { Node } from '../ir/graph.js';
import type { TensorMeta } from '../ir/meta.js';
import type { ExportedProgram } from '../ir/program.js';
import { isStaticShape, upperBound } from '../ir/sym.js';
import type { ArgumentType } from '../ops/schema.js';
import { outArgumentIndices } from '../ops/schema.js';
import type { OperatorRegistry } from '../ops/registry.js';
import { ALLOC, CALL_DELEGATE_OUT } from '../ops/etch/index.js';
import type { MemoryPlan } from '../planner/memory-plan.js';
import { valueKey } from '../passes/aliases.js';
import { loweredDelegateOf, type LoweredDelegate } from '../delegate/lowered.js';
import type { BackendDelegate, EValue, ExecutionPlan, Instruction, Operator, PteTensor } from '../pte/model.js';
import { TensorShapeDynamism } from '../pte/model.js';
import { Tensor } from '../kernels/tensor.js';
import { ScalarType } from '../scalar-type.js';
import type { BlobTable } from './content-hash.js';

export interface EmitMethodContext {
  readonly registry: OperatorRegistry;
  /** Program-wide constant buffers; index 0 is the reserved empty buffer. */
  readonly constants: BlobTable;
  /** Program-wide initial data of mutable buffers; index 0 is reserved. */
  readonly mutableData: Uint8Array[];
  /** Receives each lowered delegate; returns the BackendDelegate's processed reference index. */
  readonly addDelegate: (delegate: LoweredDelegate) => BackendDelegate;
  readonly inputEncoding: string;
  readonly outputEncoding: string;
}

function pteTensor(meta: TensorMeta, program: ExportedProgram, fields: Partial<PteTensor> = {}): PteTensor {
  const sizes = meta.shape.map((d) => upperBound(d, program.symbols));
  return {
    scalarType: meta.dtype,
    storageOffset: 0,
    sizes,
    dimOrder: sizes.map((_, i) => i),
    requiresGrad: false,
    dataBufferIdx: 0,
    allocationInfo: null,
    layout: 0,
    shapeDynamism: isStaticShape(meta.shape) ? TensorShapeDynamism.STATIC : TensorShapeDynamism.DYNAMIC_BOUND,
    extraTensorInfo: null,
    ...fields,
  };
}

class MethodEmitter {
  readonly values: EValue[] = [];
  readonly operators: Operator[] = [];
  readonly operatorIndex = new Map<string, number>();
  readonly delegates: BackendDelegate[] = [];
  readonly instructions: Instruction[] = [];
  /** EValue index of each graph value (`node:output`). */
  readonly valueIndex = new Map<string, number>();

  constructor(
    readonly program: ExportedProgram,
    readonly plan: MemoryPlan,
    readonly context: EmitMethodContext,
  ) {}

  push(value: EValue): number {
    this.values.push(value);
    return this.values.length - 1;
  }

  allocation(ref: NodeArgument) {
    const root = this.plan.rootOf.get(valueKey(ref)) ?? valueKey(ref);
    const placement = this.plan.placements.get(root);
    return placement ? { memoryId: 1, memoryOffset: placement.offset } : null;
  }

  emitPlaceholders(): void {
    for (const spec of this.program.signature.inputs) {
      const ref: NodeArgument = { kind: 'node', node: spec.node, output: 0 };
      const meta = this.program.graph.metaOf(ref);
      let index: number;
      if (meta.kind !== 'tensor') {
        index = this.push({ kind: 'Int', value: 0n });
      } else if (spec.kind === 'parameter' || spec.kind === 'constant') {
        const data = this.program.constants.get(spec.target!)!.read();
        const dataBufferIdx = this.context.constants.intern(new Uint8Array(data.bytes));
        index = this.push({ kind: 'Tensor', tensor: pteTensor(meta, this.program, { dataBufferIdx }) });
      } else if (spec.kind === 'buffer') {
        const buffer = this.program.buffers.get(spec.target!)!;
        if (!buffer.mutable) {
          const data = new Uint8Array((buffer.initial ? buffer.initial.read() : Tensor.zeros(buffer.dtype, buffer.shape)).bytes);
          index = this.push({ kind: 'Tensor', tensor: pteTensor(meta, this.program, { dataBufferIdx: this.context.constants.intern(data) }) });
        } else {
          let dataBufferIdx = 0;
          if (buffer.initial) {
            this.context.mutableData.push(new Uint8Array(buffer.initial.read().bytes));
            dataBufferIdx = this.context.mutableData.length - 1;
          }
          index = this.push({ kind: 'Tensor', tensor: pteTensor(meta, this.program, { dataBufferIdx, allocationInfo: this.allocation(ref) }) });
        }
      } else {
        index = this.push({ kind: 'Tensor', tensor: pteTensor(meta, this.program, { allocationInfo: this.allocation(ref) }) });
      }
      this.valueIndex.set(valueKey(ref), index);
    }
  }

  /** EValue index of a graph value, following out-variant and in-place results to their storage. */
  indexOf(ref: NodeArgument): number {
    const index = this.valueIndex.get(valueKey(ref));
    if (index === undefined) throw new ExecutionError(`value ${this.program.graph.node(ref.node).name} used before it was emitted`);
    return index;
  }

  emitArgument(arg: Argument, type: ArgumentType): number {
    switch (arg.kind) {
      case 'node':
        return this.indexOf(arg);
      case 'none':
        if (type.base === 'Tensor' && !type.optional && !type.list) {
          // A None for a non-optional Tensor becomes an empty tensor, as upstream emits it.
          return this.push({ kind: 'Tensor', tensor: { ...pteTensor({ kind: 'tensor', dtype: ScalarType.BYTE, shape: [0] }, this.program) } });
        }
        return this.push({ kind: 'Null' });
      case 'int':
        return this.push({ kind: 'Int', value: BigInt(arg.value) });
      case 'dtype':
        return this.push({ kind: 'Int', value: BigInt(arg.value) });
      case 'float':
        return type.base === 'int' || type.base === 'SymInt'
          ? this.push({ kind: 'Int', value: BigInt(Math.trunc(arg.value)) })
          : this.push({ kind: 'Double', value: arg.value });
      case 'bool':
        return this.push({ kind: 'Bool', value: arg.value });
      case 'str':
        return this.push({ kind: 'String', value: arg.value });
      case 'list':
        return this.emitList(arg.items, type);
    }
  }

  emitList(items: readonly Argument[], type: ArgumentType): number {
    switch (type.base) {
      case 'Tensor':
        if (type.optionalItems) {
          return this.push({ kind: 'OptionalTensorList', items: items.map((item) => (item.kind === 'none' ? -1 : this.emitTensorItem(item))) });
        }
        return this.push({ kind: 'TensorList', items: items.map((item) => this.emitTensorItem(item)) });
      case 'float':
        return this.push({ kind: 'DoubleList', items: items.map((item) => (item.kind === 'float' || item.kind === 'int' ? item.value : 0)) });
      case 'bool':
        return this.push({ kind: 'BoolList', items: items.map((item) => item.kind === 'bool' && item.value) });
      default:
        return this.push({ kind: 'IntList', items: items.map((item) => this.emitArgument(item, { ...type, list: false })) });
    }
  }

  emitTensorItem(item: Argument): number {
    if (item.kind !== 'node') throw new ExecutionError('tensor lists may only hold tensor values');
    return this.indexOf(item);
  }

  operator(key: string): number {
    let index = this.operatorIndex.get(key);
    if (index === undefined) {
      const def = this.context.registry.get(key);
      index = this.operators.length;
      this.operators.push({ name: def.schema.name, overload: def.schema.overload });
      this.operatorIndex.set(key, index);
    }
    return index;
  }

  emitNode(node: Node): void {
    if (node.target === ALLOC) {
      const ref: NodeArgument = { kind: 'node', node: node.id, output: 0 };
      const meta = node.outputs[0] as TensorMeta;
      this.valueIndex.set(valueKey(ref), this.push({ kind: 'Tensor', tensor: pteTensor(meta, this.program, { allocationInfo: this.allocation(ref) }) }));
      return;
    }
    if (node.target === CALL_DELEGATE_OUT) {
      this.emitDelegateCall(node);
      return;
    }
    const def = this.context.registry.get(node.target!);
    const args = node.args.map((arg, i) => {
      const schemaArg = def.schema.args[i];
      if (!schemaArg) throw new ExecutionError(`${node.name}: more arguments than ${def.key} declares`);
      return this.emitArgument(arg, schemaArg.type);
    });
    let results: number[];
    if (def.kind === 'out') {
      const outs = outArgumentIndices(def.schema).flatMap((i) => {
        const a = node.args[i]!;
        return a.kind === 'list' ? a.items.map((item) => this.emitTensorItem(item)) : [this.emitTensorItem(a)];
      });
      const listOut = outArgumentIndices(def.schema).some((i) => def.schema.args[i]!.type.list);
      results = outs;
      args.push(outs.length === 1 && !listOut ? outs[0]! : this.push({ kind: 'TensorList', items: outs }));
    } else if (def.kind === 'inplace') {
      results = [args[0]!];
      // Upstream's emitter adds no return slot to schemas that return nothing (et_copy_index).
      if (def.schema.returns.length > 0) args.push(args[0]!);
    } else if (def.kind === 'scalar') {
      const meta = node.outputs[0]!;
      const slot = meta.kind === 'float' ? this.push({ kind: 'Double', value: 0 }) : meta.kind === 'bool' ? this.push({ kind: 'Bool', value: false }) : this.push({ kind: 'Int', value: 0n });
      results = [slot];
      args.push(slot);
    } else {
      throw new UnsupportedOperatorError(def.key, `is functional; run the to-out-variants pass before emitting (node ${node.name})`);
    }
    results.forEach((index, output) => this.valueIndex.set(valueKey({ kind: 'node', node: node.id, output }), index));
    this.instructions.push({ kind: 'KernelCall', opIndex: this.operator(def.key), args });
  }

  emitDelegateCall(node: Node): void {
    const lowered = loweredDelegateOf(node);
    if (!lowered) throw new ExecutionError(`${node.name}: delegate call without a lowered payload`);
    const [inputs, outs] = node.args;
    if (inputs?.kind !== 'list' || outs?.kind !== 'list') throw new ExecutionError(`${node.name}: malformed delegate call`);
    const inputIndices = inputs.items.map((item) => this.emitTensorItem(item));
    const outIndices = outs.items.map((item) => this.emitTensorItem(item));
    outIndices.forEach((index, output) => this.valueIndex.set(valueKey({ kind: 'node', node: node.id, output }), index));
    this.delegates.push(this.context.addDelegate(lowered));
    this.instructions.push({ kind: 'DelegateCall', delegateIndex: this.delegates.length - 1, args: [...inputIndices, ...outIndices] });
  }
}

export function emitMethod(name: string, program: ExportedProgram, plan: MemoryPlan, context: EmitMethodContext): ExecutionPlan {
  const emitter = new MethodEmitter(program, plan, context);
  emitter.emitPlaceholders();
  for (const node of program.graph.nodes) if (node.kind === 'call') emitter.emitNode(node);
  const userInputs = program.signature.inputs.filter((s) => s.kind === 'user_input');
  const outputNode = program.graph.outputNode;
  const outputs = (outputNode?.args ?? []).flatMap((arg, i) => {
    if (program.signature.outputs[i]?.kind !== 'user_output') return [];
    return [arg.kind === 'node' ? emitter.indexOf(arg) : emitter.emitArgument(arg, { base: 'Tensor', optional: true, list: false, optionalItems: false, mutable: false })];
  });
  return {
    name,
    containerMetaType: { encodedInpStr: context.inputEncoding, encodedOutStr: context.outputEncoding },
    values: emitter.values,
    inputs: userInputs.map((s) => emitter.indexOf({ kind: 'node', node: s.node, output: 0 })),
    outputs,
    chains: [{ inputs: [], outputs: [], instructions: emitter.instructions, stacktrace: null }],
    operators: emitter.operators,
    delegates: emitter.delegates,
    nonConstBufferSizes: [0, plan.arenaBytes],
    nonConstBufferDevice: null,
  };
}
