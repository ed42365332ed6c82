/**
 * The ahead-of-time half of the delegate contract, version `v1`.
 *
 * A delegate is data: a backend id, an options schema, a partitioner that only tags nodes, and a
 * lowering that turns each tagged subgraph into the opaque payload its runtime loads. The same
 * shape fits every payload kind ExecuTorch backends use:
 *
 * - flatbuffer graphs with constant data (XNNPACK `XH00`/`XN01`, Vulkan `VH00`/`VK00`, MPS
 *   `MP00`): `lower` returns the payload, and large constants as `namedData` keyed by content;
 * - a whole-program package (Core ML): `lowerProgram` sees every method's subgraphs at once, so
 *   it can emit one shared package in named data and small per-method `CMJR` references;
 * - a compiled or online-prepared graph (QNN context binaries, DLC): lowering may be async and
 *   may call an external compiler that `lowering.isAvailable()` checks for first;
 * - TOSA plus a compiled command stream (Ethos-U `vela_bin_stream`): `payloadAlignment` and the
 *   I/O requirements (`ioMemory`) carry the backend's constraints to the emitter.
 */

import type { z } from 'zod';
import type { ExportedProgram } from '../ir/program.js';
import type { OperatorDefinition } from '../ops/definition.js';
import type { OperatorRegistry } from '../ops/registry.js';
import type { BackendId } from './backend-id.js';

export type SpecificationVersion = 'v1';

/** A compile spec as ExecuTorch stores it: a key and opaque bytes passed to the runtime's init. */
export interface DelegateCompileSpec {
  readonly key: string;
  readonly value: Uint8Array;
}

/** Why a node was left for portable kernels. Expected outcomes, not errors. */
export interface PartitionDiagnostic {
  readonly node: string;
  readonly op: string;
  readonly reason: string;
}

export interface PartitionContext<Options> {
  readonly program: ExportedProgram;
  readonly registry: OperatorRegistry;
  readonly options: Options;
}

export interface PartitionResult {
  /** Node id → partition number. Nodes in one partition become one delegated subgraph. */
  readonly tags: ReadonlyMap<number, number>;
  readonly diagnostics: readonly PartitionDiagnostic[];
}

/** One tagged subgraph, cut out as a standalone program. */
export interface DelegateSubgraph {
  /** Method the subgraph came from (`forward`). */
  readonly method: string;
  readonly partition: number;
  /**
   * The subgraph: user inputs are the values flowing in (in DelegateCall argument order),
   * parameters and constants are the weights it closes over, user outputs are the values
   * flowing out. Mutable buffers never enter a delegate in v1.
   */
  readonly program: ExportedProgram;
}

export interface NamedBlob {
  readonly key: string;
  readonly data: Uint8Array;
  /** Byte alignment of the blob's segment (XNNPACK and Vulkan use 16). */
  readonly alignment?: number;
  /** Blobs with a tag go to `<tag>.ptd` instead of the `.pte`. */
  readonly externalTag?: string;
}

export interface LoweredPayload {
  /** Stored as `BackendDelegate.processed`. */
  readonly processed: Uint8Array;
  readonly compileSpecs?: readonly DelegateCompileSpec[];
  /** Blobs the payload references by key through the runtime's named data map. */
  readonly namedData?: readonly NamedBlob[];
}

export interface LowerContext<Options> {
  readonly registry: OperatorRegistry;
  readonly options: Options;
  /** Reports progress of long lowerings (compilers) in [0, 1]. */
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface DelegateDefinition<Options = Record<string, never>> {
  readonly specificationVersion: SpecificationVersion;
  readonly backendId: BackendId;
  /** Validates and defaults the options a caller passes; errors name the delegate and field. */
  readonly optionsSchema?: z.ZodType<Options>;
  /** Operators the delegate's graphs use beyond core's (its quantization patterns, say). */
  readonly operators?: () => readonly OperatorDefinition[];
  /**
   * Operators the partitioner wants to see whole, as ExecuTorch's `ops_to_not_decompose`
   * (`aten::linear` for quantized-linear patterns, say). Every other operator core can decompose
   * (`aten::scaled_dot_product_attention`, …) is decomposed before partitioning, so the backend
   * can take its parts.
   */
  readonly preservedOperators?: readonly string[];
  /** Tags the nodes the backend takes. Must not change the graph in any other way. */
  partition(context: PartitionContext<Options>): PartitionResult;
  /** Lowers one subgraph. May be async (external compilers). */
  lower?(subgraph: DelegateSubgraph, context: LowerContext<Options>): LoweredPayload | Promise<LoweredPayload>;
  /**
   * Lowers every subgraph of every method at once, for backends whose payload is a whole
   * program (Core ML multifunction packages). Returns one payload per subgraph, in order.
   * A delegate defines `lower` or `lowerProgram`.
   */
  lowerProgram?(subgraphs: readonly DelegateSubgraph[], context: LowerContext<Options>): Promise<readonly LoweredPayload[]> | readonly LoweredPayload[];
  /** Checks that external tools lowering needs are present; the reason names what is missing. */
  isLoweringAvailable?(): { available: true } | { available: false; reason: string };
  /** `planned`: delegate I/O tensors get arena memory (XNNPACK); `unplanned`: the caller's (QNN). */
  readonly ioMemory?: 'planned' | 'unplanned';
  /** Required alignment of the payload in memory (Ethos-U: 16). */
  readonly payloadAlignment?: number;
}

/** Identity helper that fixes the option type and checks the shape of a delegate at compile time. */
export function defineDelegate<Options>(definition: DelegateDefinition<Options>): DelegateDefinition<Options> {
  return definition;
}
