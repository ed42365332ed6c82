/**
 * The kernels running in a WebAssembly instance compiled from `assembly/`. Prepared weights are
 * copied once into the instance's memory, padded (int8) or nibble-packed (4-bit) for the
 * kernels; activations are copied into scratch buffers, which grow with the largest call.
 */

import { InvalidArgumentError } from '@etch/core';
import { validateBatchMatmul, validateLinearCall, validateLinearWeights } from './linear-validation.js';
import type { ActivationMemory } from './activation-memory.js';
import { WasmHeap } from './wasm-heap.js';
import type { BatchMatmulShape, F32LinearWeights, LinearWeights, PreparedLinear, Qb4wLinearWeights, Qc8wLinearWeights, Qd8Rows, XnnKernels, XnnKernelsImplementation } from './xnn-kernels.js';

/** The functions `assembly/index.ts` exports; arguments are byte addresses and element counts. */
interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  linearF32(x: number, xStride: number, w: number, wStride: number, bias: number, y: number, yStride: number, m: number, k: number, n: number): void;
  linearF32Packed(x: number, w: number, bias: number, y: number, yStride: number, m: number, kPadded: number, n: number, second: number): void;
  quantizeQd8(x: number, xStride: number, m: number, k: number, q: number, qStride: number, parameters: number, minMaxScratch: number): void;
  linearQd8Qc8w(q: number, parameters: number, w: number, scales: number, bias: number, y: number, yStride: number, m: number, kPadded: number, n: number, sums: number): void;
  linearQd8Qb4w(q: number, parameters: number, w: number, scales: number, bias: number, y: number, yStride: number, m: number, k: number, n: number, groupSize: number, unpacked: number): void;
  batchMatmulF32(a: number, b: number, y: number, batch: number, m: number, k: number, n: number, transposeB: number): void;
  binaryF32(operator: number, x: number, y: number, o: number, n: number, period: number, inner: number): void;
  unaryF32(operator: number, x: number, o: number, n: number): void;
  softmaxF32(x: number, o: number, rows: number, width: number): void;
}

/** Bytes per row of qd8 parameters (float32 scale, int32 zero point), as in `assembly/quantize-qd8.ts`. */
const QD8_PARAMETER_BYTES = 8;
/** Int8 rows are padded to this many columns. */
const INT8_COLUMN_MULTIPLE = 32;
/** Float32 rows are padded to this many columns. */
const F32_COLUMN_MULTIPLE = 8;

interface WasmLinear {
  readonly weights: LinearWeights['kind'];
  readonly weightsAddress: number;
  readonly scalesAddress: number;
  readonly biasAddress: number;
  readonly paddedColumns: number;
  readonly groupSize: number;
  readonly allocations: readonly number[];
}

type ScratchName = 'input' | 'second' | 'output' | 'quantized' | 'parameters' | 'small' | 'unpacked' | 'padded';

function paddedColumns(columns: number): number {
  return Math.ceil(columns / INT8_COLUMN_MULTIPLE) * INT8_COLUMN_MULTIPLE;
}

/**
 * Packs float32 weights for the WebAssembly kernel (`linearF32Packed` in `assembly/linear-f32.ts`):
 * channels in blocks of 4 (the last padded with zeros), inputs padded to `columns`; per block and
 * 4 inputs, 16 floats (4 per channel); bias padded to whole blocks.
 */
export function packF32(weights: F32LinearWeights, columns: number): { readonly weights: Float32Array; readonly bias: Float32Array | undefined } {
  const { outFeatures: rows, inFeatures } = weights;
  const blocks = Math.ceil(rows / 4);
  const packed = new Float32Array(blocks * 4 * columns);
  const bias = weights.bias ? new Float32Array(blocks * 4) : undefined;
  for (let row = 0; row < rows; row++) {
    const base = (row >> 2) * 4 * columns + (row & 3) * 4;
    const start = row * inFeatures;
    for (let index = 0; index < inFeatures; index++) packed[base + (index >> 2) * 16 + (index & 3)] = weights.weights[start + index]!;
    if (bias) bias[row] = weights.bias![row]!;
  }
  return { weights: packed, bias };
}

/** Quantized weights, their scales and bias in the layout a WebAssembly kernel reads. */
export interface PackedQuantizedWeights {
  readonly weights: Int8Array | Uint8Array;
  readonly scales: Float32Array;
  readonly bias: Float32Array | undefined;
}

/**
 * Packs int8 weights for the WebAssembly kernel (`assembly/linear-qc8w.ts`): channels in blocks
 * of 4 (the last padded with zeros), inputs padded to `columns`; per block and 8 inputs, 8 bytes
 * per channel; scales and bias padded to whole blocks.
 */
export function packQc8w(weights: Qc8wLinearWeights, columns: number): PackedQuantizedWeights {
  const { outFeatures: rows, inFeatures } = weights;
  const blocks = Math.ceil(rows / 4);
  const packed = new Int8Array(blocks * 4 * columns);
  const scales = new Float32Array(blocks * 4);
  const bias = weights.bias ? new Float32Array(blocks * 4) : undefined;
  const source = weights.weights;
  // Whole 8-byte pieces move as two 32-bit words when the source allows aligned word views.
  const wordAligned = inFeatures % 8 === 0 && source.byteOffset % 4 === 0;
  const sourceWords = wordAligned ? new Uint32Array(source.buffer, source.byteOffset, source.length / 4) : undefined;
  const packedWords = new Uint32Array(packed.buffer);
  for (let row = 0; row < rows; row++) {
    const base = (row >> 2) * 4 * columns + (row & 3) * 8;
    const start = row * inFeatures;
    if (sourceWords !== undefined) {
      for (let chunk = 0; chunk < inFeatures / 8; chunk++) {
        const target = (base + chunk * 32) >> 2;
        const from = (start >> 2) + chunk * 2;
        packedWords[target] = sourceWords[from]!;
        packedWords[target + 1] = sourceWords[from + 1]!;
      }
    } else {
      for (let index = 0; index < inFeatures; index++) packed[base + (index >> 3) * 32 + (index & 7)] = source[start + index]!;
    }
    scales[row] = weights.scales[row]!;
    if (bias) bias[row] = weights.bias![row]!;
  }
  return { weights: packed, scales, bias };
}

/**
 * Packs 4-bit weights for the WebAssembly kernel (`assembly/linear-qb4w.ts`): channels in blocks
 * of 4 (the last padded with zeros); per block and 32 inputs, 16 bytes per channel as eight
 * little-endian 16-bit lanes, lane l = w[l] | w[8 + l] << 4 | w[16 + l] << 8 | w[24 + l] << 12
 * (each & 15); scales per block as [groups][4]; bias per block as [4].
 */
export function packQb4w(weights: Qb4wLinearWeights): PackedQuantizedWeights {
  const { outFeatures: rows, inFeatures: columns, groupSize } = weights;
  const blocks = Math.ceil(rows / 4);
  const groups = columns / groupSize;
  const packed = new Uint8Array(blocks * 4 * (columns / 2));
  const scales = new Float32Array(blocks * 4 * groups);
  const bias = weights.bias ? new Float32Array(blocks * 4) : undefined;
  for (let row = 0; row < rows; row++) {
    const block = row >> 2;
    const channel = row & 3;
    const source = row * columns;
    for (let chunk = 0; chunk < columns / 32; chunk++) {
      const target = block * 2 * columns + chunk * 64 + channel * 16;
      const values = weights.weights.subarray(source + chunk * 32, source + chunk * 32 + 32);
      for (let lane = 0; lane < 8; lane++) {
        packed[target + 2 * lane] = (values[lane]! & 15) | ((values[8 + lane]! & 15) << 4);
        packed[target + 2 * lane + 1] = (values[16 + lane]! & 15) | ((values[24 + lane]! & 15) << 4);
      }
    }
    for (let group = 0; group < groups; group++) scales[(block * groups + group) * 4 + channel] = weights.scales[row * groups + group]!;
    if (bias) bias[row] = weights.bias![row]!;
  }
  return { weights: packed, scales, bias };
}

/** Instantiates the kernels from a compiled module (`implementation` names its flavour). */
export async function instantiateWasmKernels(module: WebAssembly.Module, implementation: Exclude<XnnKernelsImplementation, 'typescript'>): Promise<XnnKernels> {
  const instance = await WebAssembly.instantiate(module, {});
  const kernels = instance.exports as unknown as KernelExports;
  const heap = new WasmHeap(kernels.memory, kernels.heapBase());
  const layers = new Map<PreparedLinear, WasmLinear>();
  const scratch = new Map<ScratchName, { address: number; bytes: number }>();
  let disposed = false;

  const checkAlive = () => {
    if (disposed) throw new InvalidArgumentError('kernels', 'the kernel set was disposed');
  };
  /** Address of a scratch buffer of at least `bytes` bytes; may grow memory, so take views afterwards. */
  const scratchBuffer = (name: ScratchName, bytes: number): number => {
    const current = scratch.get(name);
    if (current !== undefined && current.bytes >= bytes) return current.address;
    if (current !== undefined) heap.release(current.address);
    const address = heap.allocate(bytes);
    scratch.set(name, { address, bytes });
    return address;
  };
  // Views over the whole memory, renewed when growth replaces the buffer (addresses are 64-byte aligned).
  let memoryBuffer: ArrayBuffer | undefined;
  let memoryFloats = new Float32Array(0);
  let memoryBytes = new Uint8Array(0);
  const refreshViews = () => {
    if (kernels.memory.buffer === memoryBuffer) return;
    memoryBuffer = kernels.memory.buffer;
    memoryFloats = new Float32Array(memoryBuffer);
    memoryBytes = new Uint8Array(memoryBuffer);
  };
  const copyIn = (address: number, data: Float32Array | Int8Array | Uint8Array, length = data.length): void => {
    refreshViews();
    if (data instanceof Float32Array) memoryFloats.set(length === data.length ? data : data.subarray(0, length), address >> 2);
    else memoryBytes.set(new Uint8Array(data.buffer, data.byteOffset, length), address);
  };
  const copyOut = (address: number, length: number, output: Float32Array): void => {
    refreshViews();
    output.set(memoryFloats.subarray(address >> 2, (address >> 2) + length));
  };
  const allocateCopy = (data: Float32Array | Int8Array | Uint8Array): number => {
    const address = heap.allocate(data.byteLength);
    copyIn(address, data);
    return address;
  };

  const quantizeAt = (inputAddress: number, rows: number, columns: number): { quantized: number; parameters: number; stride: number } => {
    const stride = paddedColumns(columns);
    const quantized = scratchBuffer('quantized', rows * stride * 2);
    const parameters = scratchBuffer('parameters', rows * QD8_PARAMETER_BYTES);
    const small = scratchBuffer('small', 64);
    kernels.quantizeQd8(inputAddress, columns, rows, columns, quantized, stride, parameters, small);
    return { quantized, parameters, stride };
  };
  const quantizeIntoScratch = (input: Float32Array, rows: number, columns: number): { quantized: number; parameters: number; stride: number } => {
    const inputAddress = scratchBuffer('input', rows * columns * 4);
    copyIn(inputAddress, input, rows * columns);
    return quantizeAt(inputAddress, rows, columns);
  };
  const layerOf = (prepared: PreparedLinear): WasmLinear => {
    checkAlive();
    const layer = layers.get(prepared);
    if (layer === undefined) throw new InvalidArgumentError('prepared', 'was not prepared by this kernel set, or was released');
    return layer;
  };
  /** y = linear(x) with x and y in memory; x rows are packed (stride = inFeatures). */
  const linearAt = (layer: WasmLinear, prepared: PreparedLinear, input: number, rows: number, output: number): void => {
    const { inFeatures: k, outFeatures: n } = prepared;
    if (layer.weights === 'f32') {
      const stride = layer.paddedColumns;
      let source = input;
      if (stride !== k) {
        source = scratchBuffer('padded', rows * stride * 4);
        refreshViews();
        const target = source >> 2;
        memoryFloats.fill(0, target, target + rows * stride);
        for (let row = 0; row < rows; row++) memoryFloats.copyWithin(target + row * stride, (input >> 2) + row * k, (input >> 2) + (row + 1) * k);
      }
      kernels.linearF32Packed(source, layer.weightsAddress, layer.biasAddress, output, n, rows, stride, n, scratchBuffer('small', 64));
      return;
    }
    const { quantized, parameters, stride } = quantizeAt(input, rows, k);
    if (layer.weights === 'qc8w') {
      kernels.linearQd8Qc8w(quantized, parameters, layer.weightsAddress, layer.scalesAddress, layer.biasAddress, output, n, rows, stride, n, scratchBuffer('second', 64));
    } else {
      kernels.linearQd8Qb4w(quantized, parameters, layer.weightsAddress, layer.scalesAddress, layer.biasAddress, output, n, rows, k, n, layer.groupSize, scratchBuffer('unpacked', 8 * k + 16));
    }
  };
  const activations: ActivationMemory = {
    floats() {
      refreshViews();
      return memoryFloats;
    },
    allocate: (bytes) => heap.allocate(bytes),
    release: (address) => heap.release(address),
    linear(prepared, input, rows, output) {
      linearAt(layerOf(prepared), prepared, input, rows, output);
    },
    batchMatmul(a, b, output, { batch, m, k, n, transposeB = false }) {
      kernels.batchMatmulF32(a, b, output, batch, m, k, n, transposeB ? 1 : 0);
    },
    binary: (operator, x, y, o, n, period, inner) => kernels.binaryF32(operator, x, y, o, n, period, inner),
    unary: (operator, x, o, n) => kernels.unaryF32(operator, x, o, n),
    softmax: (x, o, rows, width) => kernels.softmaxF32(x, o, rows, width),
  };

  return {
    implementation,
    prepareLinear(weights) {
      checkAlive();
      validateLinearWeights(weights);
      const { outFeatures, inFeatures } = weights;
      const allocations: number[] = [];
      const keep = (address: number) => {
        allocations.push(address);
        return address;
      };
      const columns = weights.kind === 'qc8w' ? paddedColumns(inFeatures) : weights.kind === 'f32' ? Math.ceil(inFeatures / F32_COLUMN_MULTIPLE) * F32_COLUMN_MULTIPLE : inFeatures;
      const packed: { readonly weights: Float32Array | Int8Array | Uint8Array; readonly scales?: Float32Array; readonly bias?: Float32Array } =
        weights.kind === 'f32' ? packF32(weights, columns) : weights.kind === 'qc8w' ? packQc8w(weights, columns) : packQb4w(weights);
      const weightsAddress = keep(allocateCopy(packed.weights));
      const scalesAddress = packed.scales ? keep(allocateCopy(packed.scales)) : 0;
      const biasAddress = packed.bias ? keep(allocateCopy(packed.bias)) : 0;
      const groupSize = weights.kind === 'qb4w' ? weights.groupSize : inFeatures;
      const prepared: PreparedLinear = { kind: weights.kind, outFeatures, inFeatures };
      layers.set(prepared, { weights: weights.kind, weightsAddress, scalesAddress, biasAddress, paddedColumns: columns, groupSize, allocations });
      return prepared;
    },
    linear(prepared, input, rows, output) {
      const layer = layerOf(prepared);
      validateLinearCall(prepared, input, rows, output);
      const inputAddress = scratchBuffer('input', rows * prepared.inFeatures * 4);
      const outputAddress = scratchBuffer('output', rows * prepared.outFeatures * 4);
      copyIn(inputAddress, input, rows * prepared.inFeatures);
      linearAt(layer, prepared, inputAddress, rows, outputAddress);
      copyOut(outputAddress, rows * prepared.outFeatures, output);
    },
    releaseLinear(prepared) {
      checkAlive();
      const layer = layers.get(prepared);
      if (layer === undefined) throw new InvalidArgumentError('prepared', 'was not prepared by this kernel set, or was released');
      for (const address of layer.allocations) heap.release(address);
      layers.delete(prepared);
    },
    quantizeQd8(input, rows, columns): Qd8Rows {
      checkAlive();
      if (input.length < rows * columns) throw new InvalidArgumentError('input', `has ${input.length} elements, needs ${rows} × ${columns}`);
      const { quantized, parameters, stride } = quantizeIntoScratch(input, rows, columns);
      const centered = new Int16Array(kernels.memory.buffer, quantized, rows * stride);
      const parameterView = new DataView(kernels.memory.buffer, parameters, rows * QD8_PARAMETER_BYTES);
      const values = new Int8Array(rows * columns);
      const scales = new Float32Array(rows);
      const zeroPoints = new Int32Array(rows);
      for (let row = 0; row < rows; row++) {
        scales[row] = parameterView.getFloat32(row * QD8_PARAMETER_BYTES, true);
        const zeroPoint = parameterView.getInt32(row * QD8_PARAMETER_BYTES + 4, true);
        zeroPoints[row] = zeroPoint;
        for (let column = 0; column < columns; column++) values[row * columns + column] = centered[row * stride + column]! + zeroPoint;
      }
      return { values, scales, zeroPoints };
    },
    batchMatmul(a, b, output, shape: BatchMatmulShape) {
      checkAlive();
      validateBatchMatmul(a, b, output, shape);
      const { batch, m, k, n, transposeB = false } = shape;
      const aAddress = scratchBuffer('input', batch * m * k * 4);
      const bAddress = scratchBuffer('second', batch * k * n * 4);
      const outputAddress = scratchBuffer('output', batch * m * n * 4);
      copyIn(aAddress, a, batch * m * k);
      copyIn(bAddress, b, batch * k * n);
      kernels.batchMatmulF32(aAddress, bAddress, outputAddress, batch, m, k, n, transposeB ? 1 : 0);
      copyOut(outputAddress, batch * m * n, output);
    },
    activations,
    memoryBytes() {
      return kernels.memory.buffer.byteLength;
    },
    dispose() {
      layers.clear();
      scratch.clear();
      disposed = true;
    },
  };
}
