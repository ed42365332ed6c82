/**
 * `Module`: a loaded `.pte` program, ready to run in Node or a browser. Loading validates the file
 * (through core's reader), resolves every operator of every method against the registry, allocates
 * each method's planned memory once, maps constants without copying, and initializes delegates
 * through the runtime backends the caller passes; every problem a program can have surfaces here,
 * not halfway through a call.
 */

import {
  type OperatorDefinition,
  type OperatorRegistry,
  type PteProgram,
  type RuntimeBackend,
  type RuntimeValue,
  InvalidArgumentError,
  coreOperators,
  createOperatorRegistry,
  readPte,
} from '@etch/core';
import { initDelegates } from './backends.js';
import { type MetadataValue, isConstantMethod, metadataValue } from './metadata.js';
import { LoadedMethod, type MethodInput } from './method.js';
import type { MethodMeta } from './method-meta.js';
import { MergedNamedData, type NamedEntry, programNamedData } from './named-data.js';
import { readDataFile } from './data-file.js';
import { type ByteSource, readSource } from './source.js';

/** Progress of `Module.load`, in stages. */
export interface LoadProgress {
  readonly stage: 'read' | 'parse' | 'data-files' | 'methods';
  /** Units done and total in this stage (bytes, files or methods). */
  readonly completed: number;
  readonly total: number;
}

/** Options of `Module.load`. */
export interface ModuleLoadOptions {
  /** Runtime halves of the delegates the program uses (`XnnpackBackend`, …). */
  backends?: readonly RuntimeBackend[];
  /** `.ptd` files with external weights or other named data, merged after the program's own. */
  dataFiles?: readonly ByteSource[];
  /** Operators beyond core's, for programs that call custom kernels. */
  operators?: readonly OperatorDefinition[];
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Back each planned buffer after the first (memory_id ≥ 2) with one allocation shared by all
   * methods, as ExecuTorch's `Module(share_memory_arenas=true)` does for multi-method LLM exports
   * whose methods share their KV cache there. Default false: every method owns its buffers.
   */
  shareMemoryArenas?: boolean;
}

/** One buffer per planned-buffer index ≥ 1, sized for the largest method's need. */
function sharedArenasOf(program: PteProgram): ArrayBuffer[] {
  const sizes: number[] = [];
  for (const plan of program.executionPlans) {
    plan.nonConstBufferSizes.slice(2).forEach((size, offset) => {
      sizes[offset + 1] = Math.max(sizes[offset + 1] ?? 0, size);
    });
  }
  return sizes.map((size) => new ArrayBuffer(size));
}

/** Options of `Module.fromProgram`: `.ptd` contents come as named entries instead of files. */
export interface ModuleFromProgramOptions extends Omit<ModuleLoadOptions, 'dataFiles'> {
  /** Named data beyond the program's own (the entries of `.ptd` files). */
  namedData?: Iterable<NamedEntry>;
}

/** A loaded program: its methods, metadata and named data. */
export class Module {
  private constructor(
    /** The decoded program. */
    readonly program: PteProgram,
    private readonly methods: Map<string, LoadedMethod>,
    private readonly namedDataMap: MergedNamedData,
  ) {}

  /** Loads a `.pte` from bytes, a URL, or (in Node) a file path. */
  static async load(source: ByteSource, options: ModuleLoadOptions = {}): Promise<Module> {
    const onProgress = options.onProgress;
    const bytes = await readSource(source, 'source', onProgress && ((completed, total) => onProgress({ stage: 'read', completed, total })));
    onProgress?.({ stage: 'read', completed: bytes.byteLength, total: bytes.byteLength });
    const program = readPte(bytes, typeof source === 'string' ? { source } : {});
    onProgress?.({ stage: 'parse', completed: 1, total: 1 });
    const dataFiles = options.dataFiles ?? [];
    const namedData: NamedEntry[] = [];
    for (let index = 0; index < dataFiles.length; index++) {
      namedData.push(...(await readDataFile(dataFiles[index]!, `dataFiles[${index}]`)));
      onProgress?.({ stage: 'data-files', completed: index + 1, total: dataFiles.length });
    }
    return Module.fromProgram(program, { ...options, namedData });
  }

  /** Prepares an already decoded (or freshly emitted) program. */
  static async fromProgram(program: PteProgram, options: ModuleFromProgramOptions = {}): Promise<Module> {
    const registry: OperatorRegistry = createOperatorRegistry(coreOperators(), options.operators ?? []);
    const namedData = new MergedNamedData([programNamedData(program), options.namedData ?? []]);
    const methods = new Map<string, LoadedMethod>();
    const plans = program.executionPlans;
    const sharedArenas = options.shareMemoryArenas ? sharedArenasOf(program) : [];
    try {
      for (let index = 0; index < plans.length; index++) {
        const plan = plans[index]!;
        const delegates = await initDelegates(program, plan, options.backends ?? [], namedData);
        try {
          methods.set(plan.name, new LoadedMethod(plan, program, namedData, registry, delegates, sharedArenas));
        } catch (error) {
          for (const delegate of delegates) delegate.backend.destroy?.(delegate.handle);
          throw error;
        }
        options.onProgress?.({ stage: 'methods', completed: index + 1, total: plans.length });
      }
    } catch (error) {
      for (const method of methods.values()) method.destroy();
      throw error;
    }
    return new Module(program, methods, namedData);
  }

  /** Names of every method, constant getters included, in file order. */
  methodNames(): string[] {
    return [...this.methods.keys()];
  }

  /** Inputs, outputs, planned memory, operators and backends of a method. */
  methodMeta(name: string): MethodMeta {
    return this.method(name).meta;
  }

  /**
   * Runs a method. Tensor outputs are views of the method's memory, valid until its next call:
   * copy what must outlive it.
   */
  execute(name: string, inputs: readonly MethodInput[] = []): RuntimeValue[] {
    return this.method(name).execute(inputs);
  }

  /** `execute('forward', inputs)`. */
  forward(inputs: readonly MethodInput[]): RuntimeValue[] {
    return this.execute('forward', inputs);
  }

  /** The values of every constant method (`get_max_seq_len`, `get_eos_ids`, …) by name. */
  metadata(): Record<string, MetadataValue> {
    const record: Record<string, MetadataValue> = {};
    for (const plan of this.program.executionPlans) {
      if (isConstantMethod(plan)) record[plan.name] = metadataValue(plan, this.execute(plan.name, []));
    }
    return record;
  }

  /** Bytes stored under `key` in the program's named data or a `.ptd` (undefined when absent). */
  namedData(key: string): Uint8Array | undefined {
    return this.namedDataMap.get(key);
  }

  /** Keys of all named data. */
  namedDataKeys(): string[] {
    return this.namedDataMap.keys();
  }

  /** Releases delegate handles; the module cannot run afterwards. */
  dispose(): void {
    for (const method of this.methods.values()) method.destroy();
    this.methods.clear();
  }

  private method(name: string): LoadedMethod {
    const method = this.methods.get(name);
    if (!method) {
      throw new InvalidArgumentError('method', `'${name}' is not a method of this program (methods: ${this.methodNames().join(', ')})`);
    }
    return method;
  }
}
