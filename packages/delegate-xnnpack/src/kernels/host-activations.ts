/**
 * `ActivationMemory` for kernel sets that work on typed arrays (the TypeScript kernels): a heap
 * of plain ArrayBuffers, with each kernel call given views of the operands at their addresses
 * and the elementwise kernels run as host loops.
 */

import type { ActivationMemory } from './activation-memory.js';
import { binaryLoop, softmaxLoop, unaryLoop } from './activation-loops.js';
import { HostMemory, WasmHeap } from './wasm-heap.js';
import type { XnnKernels } from './xnn-kernels.js';

/** Activation memory driving the array-based kernels of `kernels`. */
export function hostActivations(kernels: Pick<XnnKernels, 'linear' | 'batchMatmul'>): ActivationMemory {
  const memory = new HostMemory();
  const heap = new WasmHeap(memory, 0);
  let view = new Float32Array(memory.buffer);
  const floats = () => {
    if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
    return view;
  };
  const at = (address: number, length: number) => floats().subarray(address >> 2, (address >> 2) + length);
  return {
    floats,
    allocate: (bytes) => heap.allocate(bytes),
    release: (address) => heap.release(address),
    linear(prepared, input, rows, output) {
      kernels.linear(prepared, at(input, rows * prepared.inFeatures), rows, at(output, rows * prepared.outFeatures));
    },
    batchMatmul(a, b, output, shape) {
      const { batch, m, k, n } = shape;
      kernels.batchMatmul(at(a, batch * m * k), at(b, batch * k * n), at(output, batch * m * n), shape);
    },
    binary: (operator, x, y, o, n, period, inner) => binaryLoop(floats(), operator, x, y, o, n, period, inner),
    unary: (operator, x, o, n) => unaryLoop(floats(), operator, x, o, n),
    softmax: (x, o, rows, width) => softmaxLoop(floats(), x, o, rows, width),
  };
}
