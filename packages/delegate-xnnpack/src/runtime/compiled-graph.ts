/**
 * Turns a parsed payload into what the interpreter runs: every value's static description with
 * its constant data resolved, each fully connected layer's weights in the kernels' layout
 * ([output, input]: fp32, per-channel int8 (int4 per channel is the same arithmetic), or
 * blockwise int4 unpacked to one value per byte with float block scales), and a check that every
 * node is one the interpreter executes and refers to values that exist.
 */

import { BackendIds, type NamedDataMap, PteFormatError, UnsupportedOperatorError } from '@etch/core';
import { bfloat16ToFloat, floatToBfloat16 } from '@etch/core/kernels';
import type { XnnPayload } from '../format/payload.js';
import { FLAG_TRANSPOSE_WEIGHTS, INVALID_VALUE_ID, VALUE_FLAG_EXTERNAL_INPUT, VALUE_FLAG_EXTERNAL_OUTPUT, XnnDatatype, datatypeName, type XnnNode, type XnnQuantization } from '../format/xnn-graph.js';
import type { LinearWeights } from '../kernels/xnn-kernels.js';
import { ConstantResolver, float32View } from './constant-data.js';

/** The backend id ExecuTorch's XNNPACK backend registers (core spells it once, in `BackendIds`). */
export const XNNPACK_BACKEND_ID = BackendIds.xnnpack;

/** A value of a compiled graph: its description and resolved fp32 constant data. */
export interface CompiledValue {
  readonly id: number;
  readonly datatype: number;
  readonly dims: readonly number[];
  /** Delegate-call argument index for external inputs and outputs. */
  readonly externalId: number | undefined;
  readonly isInput: boolean;
  readonly isOutput: boolean;
  readonly quantization: XnnQuantization | undefined;
  /** Index into the graph's constant_data, 0 when the value is not a constant. */
  readonly constantBufferIndex: number;
  /** fp32 constant data. */
  readonly constant: Float32Array | undefined;
}


/** A payload ready to execute. */
export interface CompiledGraph {
  readonly values: ReadonlyMap<number, CompiledValue>;
  readonly nodes: readonly XnnNode[];
  readonly inputs: readonly CompiledValue[];
  readonly outputs: readonly CompiledValue[];
  /** Each fully connected node's weights and bias in the kernels' layout. */
  readonly linears: ReadonlyMap<XnnNode, LinearWeights>;
}

const numel = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);

function unpackInt4(packed: Uint8Array, rows: number, columns: number): Int8Array {
  // Two values per byte, even column in the low nibble, stored with +8 (zero point 8); an odd
  // row length is padded to whole bytes.
  const rowBytes = Math.ceil(columns / 2);
  const values = new Int8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const byte = packed[r * rowBytes + (c >> 1)]!;
      values[r * columns + c] = ((c & 1) === 0 ? byte & 0x0f : byte >> 4) - 8;
    }
  }
  return values;
}

/** The value ids a node refers to (inputs and outputs; may include INVALID_VALUE_ID). */
export function valueIdsOf(node: XnnNode): number[] {
  const fields = node as unknown as Record<string, unknown>;
  return Object.entries(fields)
    .filter(([name, value]) => /Id$/.test(name) && typeof value === 'number')
    .map(([, value]) => value as number);
}

/**
 * Compiles a payload for `execute`. `supportedKinds` are the node kinds the interpreter has
 * executors for; any other kind is an `UnsupportedOperatorError` naming it.
 */
export function compileGraph(payload: XnnPayload, namedData: NamedDataMap, supportedKinds: ReadonlySet<string>): CompiledGraph {
  const { graph } = payload;
  const constants = new ConstantResolver(payload, namedData);
  const values = new Map<number, CompiledValue>();
  for (const [index, value] of graph.values.entries()) {
    const tensor = value.tensor;
    const field = `xvalues[${index}]`;
    if (values.has(tensor.id)) throw new PteFormatError(`XNNPACK graph ${field}.id_out`, `value id ${tensor.id} is defined twice`);
    if (tensor.dims.length > 6) throw new PteFormatError(`XNNPACK graph ${field}.dims`, `${tensor.dims.length} dimensions; XNNPACK allows at most 6`);
    const isInput = (tensor.flags & VALUE_FLAG_EXTERNAL_INPUT) !== 0;
    const isOutput = (tensor.flags & VALUE_FLAG_EXTERNAL_OUTPUT) !== 0;
    if ((isInput || isOutput) && tensor.externalId >= graph.numExterns) {
      throw new PteFormatError(`XNNPACK graph ${field}.external_id`, `${tensor.externalId} is not below num_externs ${graph.numExterns}`);
    }
    if (tensor.dynamicQuantizationDatatype !== XnnDatatype.invalid) {
      throw new UnsupportedOperatorError('XNNPACK dq_datatype', `the old (XN00) dynamic quantization marker on ${field} is not supported`, { backendId: XNNPACK_BACKEND_ID });
    }
    let constant: Float32Array | undefined;
    if (tensor.constantBufferIndex !== 0 && value.kind === 'tensor') {
      if (tensor.datatype !== XnnDatatype.fp32) {
        throw new UnsupportedOperatorError(`XNNPACK ${datatypeName(tensor.datatype)} constant`, `${field}: only fp32 and quantized weight constants are supported`, { backendId: XNNPACK_BACKEND_ID });
      }
      constant = float32View(constants.bytes(tensor.constantBufferIndex, numel(tensor.dims) * 4, `${field}.constant_buffer_idx`)!);
    }
    values.set(tensor.id, {
      id: tensor.id,
      datatype: tensor.datatype,
      dims: tensor.dims,
      externalId: isInput || isOutput ? tensor.externalId : undefined,
      isInput,
      isOutput,
      quantization: value.kind === 'quantized-tensor' ? value.quantization : undefined,
      constantBufferIndex: tensor.constantBufferIndex,
      constant,
    });
  }

  const linears = new Map<XnnNode, LinearWeights>();
  for (const [index, node] of graph.nodes.entries()) {
    if (!supportedKinds.has(node.kind)) {
      throw new UnsupportedOperatorError(`XNNPACK ${node.kind}`, `xnodes[${index}]: etch's XNNPACK runtime does not execute this node kind`, {
        backendId: XNNPACK_BACKEND_ID,
        hint: 're-export with a recipe that leaves this operator to portable kernels',
      });
    }
    for (const id of valueIdsOf(node)) {
      if (id !== INVALID_VALUE_ID && !values.has(id)) {
        throw new PteFormatError(`XNNPACK graph xnodes[${index}]`, `${node.kind} refers to value ${id}, which is not defined`);
      }
    }
    if (node.kind === 'FullyConnected') {
      const field = `xnodes[${index}]`;
      const filter = filterOf(values.get(node.filterId)!, (node.flags & FLAG_TRANSPOSE_WEIGHTS) !== 0, constants, field);
      let bias: Float32Array | undefined;
      if (node.biasId !== INVALID_VALUE_ID) {
        bias = values.get(node.biasId)!.constant;
        if (!bias || bias.length !== filter.outFeatures) {
          throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: the bias must be an fp32 constant of ${filter.outFeatures} elements`, { backendId: XNNPACK_BACKEND_ID });
        }
      }
      linears.set(node, bias ? { ...filter, bias } : filter);
    }
  }
  const externals = [...values.values()].filter((v) => v.externalId !== undefined).sort((a, b) => a.externalId! - b.externalId!);
  return { values, nodes: graph.nodes, inputs: externals.filter((v) => v.isInput), outputs: externals.filter((v) => v.isOutput), linears };
}

function filterOf(value: CompiledValue, transposed: boolean, constants: ConstantResolver, field: string): LinearWeights {
  if (value.dims.length !== 2) throw new PteFormatError(`XNNPACK graph ${field} filter`, `filter must be 2-D, has dims [${value.dims.join(', ')}]`);
  const [first, second] = value.dims as [number, number];
  const outputs = transposed ? second : first;
  const inputs = transposed ? first : second;
  const quantization = value.quantization;
  if (!quantization) {
    if (!value.constant) throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: the filter must be a constant`, { backendId: XNNPACK_BACKEND_ID });
    if (!transposed) return { kind: 'f32', outFeatures: outputs, inFeatures: inputs, weights: value.constant };
    const values = new Float32Array(outputs * inputs);
    for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) values[o * inputs + i] = value.constant[i * outputs + o]!;
    return { kind: 'f32', outFeatures: outputs, inFeatures: inputs, weights: values };
  }
  if (transposed) throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: transposed quantized filters are not supported`, { backendId: XNNPACK_BACKEND_ID });
  const dataIndex = value.id;
  const bufferIndex = value.constantBufferIndex;
  if (bufferIndex === 0) throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: the quantized filter must be a constant`, { backendId: XNNPACK_BACKEND_ID });
  if (quantization.kind === 'per-channel') {
    if (quantization.channelDim !== 0) throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: per-channel filter scales must be along dimension 0`, { backendId: XNNPACK_BACKEND_ID });
    const scales = scalesOf(quantization, outputs, constants, `${field} filter ${dataIndex} scales`, 'f32');
    if (value.datatype === XnnDatatype.qcint8) {
      const bytes = constants.bytes(bufferIndex, outputs * inputs, `${field} filter ${dataIndex}`)!;
      return { kind: 'qc8w', outFeatures: outputs, inFeatures: inputs, weights: new Int8Array(bytes.buffer, bytes.byteOffset, outputs * inputs), scales };
    }
    if (value.datatype === XnnDatatype.qcint4) {
      const bytes = constants.bytes(bufferIndex, outputs * Math.ceil(inputs / 2), `${field} filter ${dataIndex}`)!;
      return { kind: 'qc8w', outFeatures: outputs, inFeatures: inputs, weights: unpackInt4(bytes, outputs, inputs), scales };
    }
  }
  if (quantization.kind === 'per-channel-group' && value.datatype === XnnDatatype.qbint4) {
    const blockSize = quantization.groupSize;
    if (blockSize <= 0 || inputs % blockSize !== 0) throw new PteFormatError(`XNNPACK graph ${field} filter`, `group size ${blockSize} does not divide ${inputs} input channels`);
    const blockScales = scalesOf(quantization, (outputs * inputs) / blockSize, constants, `${field} filter ${dataIndex} scales`, 'bf16');
    const bytes = constants.bytes(bufferIndex, outputs * Math.ceil(inputs / 2), `${field} filter ${dataIndex}`)!;
    return { kind: 'qb4w', outFeatures: outputs, inFeatures: inputs, weights: unpackInt4(bytes, outputs, inputs), groupSize: blockSize, scales: blockScales };
  }
  throw new UnsupportedOperatorError('XNNPACK FullyConnected', `${field}: ${datatypeName(value.datatype)} filters with ${quantization.kind} parameters are not supported`, { backendId: XNNPACK_BACKEND_ID });
}

function scalesOf(quantization: Extract<XnnQuantization, { kind: 'per-channel' | 'per-channel-group' }>, count: number, constants: ConstantResolver, field: string, stored: 'f32' | 'bf16'): Float32Array {
  if (quantization.scaleBufferIndex === 0) {
    if (quantization.scales.length !== count) throw new PteFormatError(`XNNPACK graph ${field}`, `${quantization.scales.length} inline scales, expected ${count}`);
    // Blockwise scales are used in bfloat16, as ExecuTorch converts inline fp32 ones.
    return Float32Array.from(quantization.scales, (s) => (stored === 'bf16' ? bfloat16ToFloat(floatToBfloat16(s)) : s));
  }
  if (quantization.numScales !== count) throw new PteFormatError(`XNNPACK graph ${field}`, `num_scales is ${quantization.numScales}, expected ${count}`);
  const bytes = constants.bytes(quantization.scaleBufferIndex, count * (stored === 'bf16' ? 2 : 4), field)!;
  if (stored === 'f32') return float32View(bytes);
  const bits = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  return Float32Array.from(bits, bfloat16ToFloat);
}

