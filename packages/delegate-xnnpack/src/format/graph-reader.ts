/**
 * Reads an XNNPACK graph flatbuffer (XN00 or XN01) into plain `XnnGraph` objects, checking every
 * offset on the way; unknown node or value kinds are errors naming the union and its number.
 */

import { PteFormatError } from '@etch/core';
import { FlatbufferView, type TableView } from './flatbuffer-view.js';
import { nodeKindOf } from './table-layouts.js';
import type { ConstantDataEntry, XnnGraph, XnnNode, XnnQuantization, XnnTensorValue, XnnValue } from './xnn-graph.js';

const FIELD = 'XNNPACK graph';

function readTensor(table: TableView): XnnTensorValue {
  return {
    datatype: table.int16(0, 'datatype'),
    numDims: table.uint32(1, 'num_dims'),
    dims: table.uint32Vector(2, 'dims'),
    constantBufferIndex: table.uint32(3, 'constant_buffer_idx'),
    externalId: table.uint32(4, 'external_id'),
    flags: table.uint32(5, 'flags'),
    id: table.uint32(6, 'id_out'),
    dynamicQuantizationDatatype: table.int16(7, 'dq_datatype'),
  };
}

function readQuantization(type: number, table: TableView): XnnQuantization {
  switch (type) {
    case 1:
      return {
        kind: 'per-channel',
        scales: table.float32Vector(0, 'scale'),
        channelDim: table.int32(1, 'channel_dim'),
        scaleBufferIndex: table.uint32(2, 'scale_buffer_idx'),
        numScales: table.uint32(3, 'num_scales'),
      };
    case 2:
      return { kind: 'per-tensor', scale: table.float32(0, 'scale'), zeroPoint: table.int32(1, 'zero_point') };
    case 3:
      return { kind: 'per-token-dynamic', numNonbatchDims: table.int32(0, 'num_nonbatch_dims') };
    case 4:
      return {
        kind: 'per-channel-group',
        scales: table.float32Vector(0, 'scale'),
        channelDim: table.int32(1, 'channel_dim'),
        groupSize: table.int32(2, 'group_size'),
        scaleBufferIndex: table.uint32(4, 'scale_buffer_idx'),
        numScales: table.uint32(5, 'num_scales'),
      };
    default:
      throw new PteFormatError(`${FIELD} ${table.path}.quant_params_type`, `unknown quantization parameters kind ${type}`);
  }
}

function readValue(table: TableView): XnnValue {
  const type = table.uint8(0, 'xvalue_union_type');
  const body = table.table(1, 'xvalue_union');
  if (!body) throw new PteFormatError(`${FIELD} ${table.path}.xvalue_union`, 'value has no body');
  if (type === 1) return { kind: 'tensor', tensor: readTensor(body) };
  if (type === 2) {
    const tensor = body.table(0, 'tensor_value');
    const params = body.table(2, 'quant_params');
    if (!tensor || !params) throw new PteFormatError(`${FIELD} ${body.path}`, 'quantized tensor without tensor_value or quant_params');
    return { kind: 'quantized-tensor', tensor: readTensor(tensor), quantization: readQuantization(body.uint8(1, 'quant_params_type'), params) };
  }
  throw new PteFormatError(`${FIELD} ${table.path}.xvalue_union_type`, `unknown value kind ${type}`, {
    hint: 'the payload may come from a newer ExecuTorch; etch reads XNNTensorValue and XNNQuantizedTensorValue',
  });
}

function readNode(table: TableView): XnnNode {
  const type = table.uint8(0, 'xnode_union_type');
  const described = nodeKindOf(type);
  if (!described) {
    throw new PteFormatError(`${FIELD} ${table.path}.xnode_union_type`, `unknown node kind ${type}`, {
      hint: 'the payload may come from a newer ExecuTorch than this reader (node kinds 1–47)',
    });
  }
  const body = table.table(1, 'xnode_union');
  if (!body) throw new PteFormatError(`${FIELD} ${table.path}.xnode_union`, `${described.kind} node has no body`);
  const node: Record<string, unknown> = { kind: described.kind, debugHandle: table.uint32(2, 'debug_handle') };
  const clamp = table.table(3, 'output_min_max');
  if (clamp) node['outputMinMax'] = { min: clamp.float32(0, 'output_min'), max: clamp.float32(1, 'output_max') };
  described.layout.forEach(([name, kind], slot) => {
    node[name] =
      kind === 'uints' ? body.uint32Vector(slot, name) : kind === 'float' ? body.float32(slot, name) : kind === 'int' ? body.int32(slot, name) : body.uint32(slot, name);
  });
  return node as unknown as XnnNode;
}

function readConstantEntry(table: TableView): ConstantDataEntry {
  const size = table.uint64(1, 'size');
  if (table.has(2)) return { kind: 'named', key: table.string(2, 'named_key') ?? '', size };
  return { kind: 'inline', offset: table.uint64(0, 'offset'), size };
}

/** The identifiers of the graph schema versions ExecuTorch's runtime accepts. */
export const GRAPH_IDENTIFIERS = ['XN00', 'XN01'] as const;

/**
 * Parses an XNNPACK graph flatbuffer. `base` is its position in the enclosing payload, so error
 * offsets point into the payload.
 */
export function readXnnGraph(bytes: Uint8Array, base = 0): XnnGraph {
  const view = new FlatbufferView(bytes, FIELD, base);
  const identifier = view.identifier();
  if (!identifier || !(GRAPH_IDENTIFIERS as readonly string[]).includes(identifier)) {
    throw new PteFormatError(`${FIELD} file identifier`, `expected XN00 or XN01, found ${JSON.stringify(identifier)}`, { offset: base + 4 });
  }
  const root = view.root();
  return {
    version: root.string(0, 'version') ?? '',
    nodes: root.tableVector(1, 'xnodes').map(readNode),
    values: root.tableVector(2, 'xvalues').map(readValue),
    numExterns: root.uint32(3, 'num_externs'),
    inputIds: root.uint32Vector(4, 'input_ids'),
    outputIds: root.uint32Vector(5, 'output_ids'),
    constantData: root.tableVector(8, 'constant_data').map(readConstantEntry),
  };
}
