/**
 * An exported program, shaped like torch.export's ExportedProgram: one graph, a signature saying
 * which placeholders are user inputs, parameters, constants or buffers (and which outputs write
 * back into mutable buffers such as a KV cache), the data behind parameters and buffers, the
 * bounds of its symbolic dimensions, and the constant methods (LLM runner metadata) it carries.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../kernels/tensor.js';
import type { ScalarType } from '../scalar-type.js';
import type { Graph } from './graph.js';
import type { SymbolTable } from './sym.js';

export type InputKind = 'user_input' | 'parameter' | 'buffer' | 'constant';

export interface InputSpec {
  readonly kind: InputKind;
  /** Placeholder node id. */
  readonly node: number;
  /** Fully qualified name (`model.layers.0.self_attn.k_cache`) for non-user inputs. */
  readonly target?: string;
}

export type OutputKind = 'user_output' | 'buffer_mutation';

/** One entry per argument of the graph's output node, in the same order. */
export interface OutputSpec {
  readonly kind: OutputKind;
  /** For `buffer_mutation`: the FQN of the buffer that receives the value. */
  readonly target?: string;
}

export interface GraphSignature {
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
}

/**
 * Data for a parameter or constant. Weights of large checkpoints are read lazily: `read()` returns
 * the tensor, loading it from disk at that moment, so an export never holds all weights at once.
 */
export interface ConstantData {
  readonly dtype: ScalarType;
  readonly shape: readonly number[];
  read(): Tensor;
}

export interface BufferData {
  readonly dtype: ScalarType;
  readonly shape: readonly number[];
  /** Mutable buffers (a KV cache) persist across calls; the method writes them. */
  readonly mutable: boolean;
  /** Initial contents; `null` means zeros. */
  readonly initial: ConstantData | null;
}

export type MetadataValue = number | boolean | string | readonly number[] | { readonly double: number };

export interface ExportedProgramInit {
  graph: Graph;
  signature: GraphSignature;
  constants?: ReadonlyMap<string, ConstantData>;
  buffers?: ReadonlyMap<string, BufferData>;
  symbols?: SymbolTable;
  /** Constant methods, in insertion order (`get_max_seq_len`: 128, `get_eos_ids`: [2], …). */
  metadata?: Readonly<Record<string, MetadataValue>>;
  /** Named blobs carried into the `.pte` `named_data` (tokenizer.json, …). */
  namedData?: ReadonlyMap<string, Uint8Array>;
  /** User input names in order (`input_ids`, `cache_position`). */
  inputNames?: readonly string[];
  outputNames?: readonly string[];
}

export class ExportedProgram {
  readonly graph: Graph;
  readonly signature: GraphSignature;
  readonly constants: ReadonlyMap<string, ConstantData>;
  readonly buffers: ReadonlyMap<string, BufferData>;
  readonly symbols: SymbolTable;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  readonly namedData: ReadonlyMap<string, Uint8Array>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  constructor(init: ExportedProgramInit) {
    this.graph = init.graph;
    this.signature = init.signature;
    this.constants = init.constants ?? new Map();
    this.buffers = init.buffers ?? new Map();
    this.symbols = init.symbols ?? {};
    this.metadata = init.metadata ?? {};
    this.namedData = init.namedData ?? new Map();
    const userInputs = this.signature.inputs.filter((i) => i.kind === 'user_input');
    this.inputNames = init.inputNames ?? userInputs.map((i) => this.graph.node(i.node).name);
    const userOutputs = this.signature.outputs.filter((o) => o.kind === 'user_output');
    this.outputNames = init.outputNames ?? userOutputs.map((_, i) => `output_${i}`);
    this.validate();
  }

  /** A copy with some parts replaced; passes use this instead of mutating a program in place. */
  with(changes: Partial<ExportedProgramInit>): ExportedProgram {
    return new ExportedProgram({
      graph: this.graph,
      signature: this.signature,
      constants: this.constants,
      buffers: this.buffers,
      symbols: this.symbols,
      metadata: this.metadata,
      namedData: this.namedData,
      inputNames: this.inputNames,
      outputNames: this.outputNames,
      ...changes,
    });
  }

  get userInputs(): InputSpec[] {
    return this.signature.inputs.filter((i) => i.kind === 'user_input');
  }

  private validate(): void {
    const placeholders = this.graph.placeholders;
    if (placeholders.length !== this.signature.inputs.length) {
      throw new InvalidArgumentError(
        'signature.inputs',
        `${this.signature.inputs.length} input specs for ${placeholders.length} placeholders`,
      );
    }
    this.signature.inputs.forEach((spec, i) => {
      if (placeholders[i]!.id !== spec.node) {
        throw new InvalidArgumentError('signature.inputs', `spec ${i} names node ${spec.node}, placeholder ${i} is ${placeholders[i]!.id}`);
      }
      if (spec.kind === 'parameter' || spec.kind === 'constant') {
        if (!spec.target || !this.constants.has(spec.target)) {
          throw new InvalidArgumentError('signature.inputs', `${spec.kind} '${spec.target}' has no data`);
        }
      }
      if (spec.kind === 'buffer' && (!spec.target || !this.buffers.has(spec.target))) {
        throw new InvalidArgumentError('signature.inputs', `buffer '${spec.target}' has no data`);
      }
    });
    const output = this.graph.outputNode;
    const count = output ? output.args.length : 0;
    if (count !== this.signature.outputs.length) {
      throw new InvalidArgumentError('signature.outputs', `${this.signature.outputs.length} output specs for ${count} outputs`);
    }
    for (const spec of this.signature.outputs) {
      if (spec.kind === 'buffer_mutation' && (!spec.target || !this.buffers.get(spec.target)?.mutable)) {
        throw new InvalidArgumentError('signature.outputs', `mutation of '${spec.target}', which is not a mutable buffer`);
      }
    }
  }
}
