/**
 * The run-time half of the XNNPACK delegate for etch's runtime: `init` parses a payload (etch's
 * or ExecuTorch's), resolves its constants from the payload or the program's named data, and
 * prepares every fully connected layer in the kernel set; `execute` interprets the graph;
 * `destroy` releases the prepared layers. One kernel set (WebAssembly SIMD128 where available)
 * serves every payload this backend loads.
 */

import { type RuntimeBackend, defineRuntimeBackend } from '@etch/core';
import type { XnnNode } from '../format/xnn-graph.js';
import { readXnnPayload } from '../format/payload.js';
import { createXnnKernels } from '../kernels/create-xnn-kernels.js';
import { typescriptXnnKernels } from '../kernels/typescript-kernels.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';
import { XNNPACK_BACKEND_ID, compileGraph } from './compiled-graph.js';
import { type GraphResources, nodePlanners, releaseGraphMemory, runGraph } from './interpreter.js';

/** Options of `xnnpackRuntime`. */
export interface XnnpackRuntimeOptions {
  /**
   * Which kernels compute: `auto` (default) WebAssembly, with SIMD128 when the engine has it;
   * `wasm-simd` requires SIMD128; `wasm` the scalar WebAssembly build; `typescript` plain loops;
   * or a kernel set the caller created.
   */
  readonly kernels?: 'auto' | 'wasm-simd' | 'wasm' | 'typescript' | XnnKernels;
  /**
   * Run each attention (Q·Kᵀ, scale, additive mask, softmax, ·V) as one step over the cache
   * positions the mask leaves open, reading a static KV cache in place (default true). The
   * results are the graph's up to summation order; false runs every node as lowered.
   */
  readonly fuseAttention?: boolean;
}

/** A loaded payload: the compiled graph and its layers prepared in the kernel set. */
/** A payload ready to run: its compiled graph, kernels, prepared layers and buffers. */
export type XnnpackHandle = GraphResources;

function kernelsFor(choice: NonNullable<XnnpackRuntimeOptions['kernels']>): Promise<XnnKernels> {
  if (typeof choice === 'object') return Promise.resolve(choice);
  if (choice === 'typescript') return Promise.resolve(typescriptXnnKernels());
  if (choice === 'wasm-simd') return createXnnKernels({ simd: true });
  if (choice === 'wasm') return createXnnKernels({ simd: false });
  return createXnnKernels();
}

/** The XNNPACK runtime backend, for `Module.load(bytes, { backends: [xnnpackRuntime()] })`. */
export function xnnpackRuntime(options: XnnpackRuntimeOptions = {}): RuntimeBackend<XnnpackHandle> {
  const planners = nodePlanners();
  const planOptions = { fuseAttention: options.fuseAttention ?? true };
  const supported = new Set<string>(planners.keys());
  let kernels: Promise<XnnKernels> | undefined;
  return defineRuntimeBackend<XnnpackHandle>({
    specificationVersion: 'v1',
    backendId: XNNPACK_BACKEND_ID,
    isAvailable: () => true,
    async init(processed, _compileSpecs, context) {
      const graph = compileGraph(readXnnPayload(processed), context.namedData, supported);
      kernels ??= kernelsFor(options.kernels ?? 'auto');
      const kernelSet = await kernels;
      const linears = new Map<XnnNode, PreparedLinear>();
      try {
        for (const [node, weights] of graph.linears) linears.set(node, kernelSet.prepareLinear(weights));
      } catch (error) {
        // A layer the kernels reject fails the load; the ones prepared before it are freed.
        for (const prepared of linears.values()) kernelSet.releaseLinear(prepared);
        throw error;
      }
      return { graph, kernels: kernelSet, linears, constants: new Map(), arena: undefined, plans: new Map(), lastPlan: undefined };
    },
    execute(handle, args) {
      runGraph(handle, planners, args, planOptions);
    },
    destroy(handle) {
      releaseGraphMemory(handle);
      for (const prepared of handle.linears.values()) handle.kernels.releaseLinear(prepared);
    },
  });
}
