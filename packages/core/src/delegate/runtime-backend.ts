/**
 * The run-time half of the delegate contract, mirroring ExecuTorch's `BackendInterface`:
 * `isAvailable`, `init` (parse the payload once per method load), `execute` (per call) and
 * `destroy`. Runtimes take these as an explicit list; a backend whose `init` fails stays failed
 * with its reason, and a program that needs a missing backend fails at load, naming it.
 */

import type { Tensor } from '../kernels/tensor.js';
import type { RuntimeValue } from '../ops/runtime-value.js';
import type { BackendId } from './backend-id.js';
import type { DelegateCompileSpec, SpecificationVersion } from './definition.js';

/** Named data visible to a backend: the `.pte`'s `named_data` merged with any `.ptd` files. */
export interface NamedDataMap {
  has(key: string): boolean;
  /** The bytes, or undefined when the key is absent. */
  get(key: string): Uint8Array | undefined;
  keys(): string[];
}

export interface BackendInitContext {
  readonly methodName: string;
  readonly namedData: NamedDataMap;
}

export interface RuntimeBackend<Handle = unknown> {
  readonly specificationVersion: SpecificationVersion;
  readonly backendId: BackendId;
  /** Whether this environment can run the backend (WebAssembly SIMD present, say). */
  isAvailable(): boolean;
  /** Parses a payload once; the handle is passed to every `execute`. */
  init(processed: Uint8Array, compileSpecs: readonly DelegateCompileSpec[], context: BackendInitContext): Handle | Promise<Handle>;
  /**
   * Runs the payload. `args` are the DelegateCall's values: inputs first, then outputs; output
   * tensors are resized and written in place.
   */
  execute(handle: Handle, args: RuntimeValue[]): void;
  destroy?(handle: Handle): void;
}

/** Identity helper fixing the handle type. */
export function defineRuntimeBackend<Handle>(backend: RuntimeBackend<Handle>): RuntimeBackend<Handle> {
  return backend;
}

export type { Tensor };
