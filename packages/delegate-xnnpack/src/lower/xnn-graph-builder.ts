/**
 * Builds an `XnnGraph` from a delegated subgraph while operator lowerings walk its nodes: it
 * defines the external inputs (delegate-call argument i is external id i) and outputs (after the
 * inputs), internal values with their upper-bound dims, fp32 constants and quantized filters
 * (bytes go to named data under ExecuTorch's keys: the sha256 hex of the bytes, "scale_" + sha256
 * for quantization scales), and collects the nodes.
 */

import { type Argument, type ConstantData, EtchError, type ExportedProgram, type NamedBlob, type Node, type NodeArgument, upperBound } from '@etch/core';
import { floatToBfloat16 } from '@etch/core/kernels';
import { INVALID_VALUE_ID, VALUE_FLAG_EXTERNAL_INPUT, VALUE_FLAG_EXTERNAL_OUTPUT, XnnDatatype, type ConstantDataEntry, type XnnGraph, type XnnNode, type XnnNodeOf, type XnnQuantization, type XnnValue } from '../format/xnn-graph.js';
import { PAYLOAD_ALIGNMENT } from '../format/payload.js';
import type { NodeKind } from '../format/table-layouts.js';
import { sha256Hex } from './sha256.js';

/** A node as lowerings write it; the builder numbers debug handles. */
export type NodeInit = { [K in NodeKind]: Omit<XnnNodeOf<K>, 'debugHandle'> }[NodeKind];

const key = (arg: NodeArgument) => `${arg.node}:${arg.output}`;

/** A constant waiting for its content key, which is computed (asynchronously) in `finish`. */
interface PendingConstant {
  readonly bytes: Uint8Array;
  readonly scale: boolean;
}

/** Accumulates the values, nodes and constants of one payload graph. */
export class XnnGraphBuilder {
  private readonly values: XnnValue[] = [];
  private readonly nodes: XnnNode[] = [];
  private readonly ids = new Map<string, number>();
  private readonly outputs = new Map<string, number>();
  private readonly pending: PendingConstant[] = [];
  private readonly inputIds: number[] = [];
  private readonly outputIds: number[] = [];
  private readonly constantTargets: Map<number, string>;
  private debugHandle = 0;
  private readonly externs: number;

  constructor(readonly program: ExportedProgram) {
    const inputs = program.signature.inputs;
    this.constantTargets = new Map(inputs.filter((s) => s.kind === 'parameter' || s.kind === 'constant').map((s) => [s.node, s.target!]));
    const userInputs = inputs.filter((s) => s.kind === 'user_input');
    userInputs.forEach((spec, index) => {
      const id = this.define(XnnDatatype.fp32, this.dimsOf({ kind: 'node', node: spec.node, output: 0 }), { externalId: index, flags: VALUE_FLAG_EXTERNAL_INPUT });
      this.ids.set(`${spec.node}:0`, id);
      this.inputIds.push(id);
    });
    const results = program.graph.outputNode!.args;
    results.forEach((arg, index) => {
      if (arg.kind !== 'node') throw new EtchError('XNNPACK_LOWERING', `subgraph output ${index} is not a tensor value`);
      if (this.ids.has(key(arg))) throw new EtchError('XNNPACK_LOWERING', `subgraph output ${index} passes an input straight through`);
      this.outputs.set(key(arg), userInputs.length + index);
    });
    this.externs = userInputs.length + results.length;
  }

  /** Dims of a tensor value; symbolic dimensions become their upper bound (XNNPACK reshapes at run time). */
  dimsOf(arg: NodeArgument): number[] {
    const meta = this.program.graph.metaOf(arg);
    if (meta.kind !== 'tensor') throw new EtchError('XNNPACK_LOWERING', `value ${this.program.graph.node(arg.node).name} is not a tensor`);
    const dims = meta.shape.map((d) => upperBound(d, this.program.symbols));
    // XNNPACK has no rank-0 tensors: scalars are [1], as ExecuTorch's serializer writes them.
    return dims.length === 0 ? [1] : dims;
  }

  private define(datatype: number, dims: readonly number[], external?: { externalId: number; flags: number }, quantization?: XnnQuantization, constantBufferIndex = 0): number {
    const id = this.values.length;
    const tensor = {
      datatype,
      numDims: dims.length,
      dims: [...dims],
      constantBufferIndex,
      externalId: external?.externalId ?? INVALID_VALUE_ID,
      flags: external?.flags ?? 0,
      id,
      dynamicQuantizationDatatype: XnnDatatype.invalid,
    };
    this.values.push(quantization ? { kind: 'quantized-tensor', tensor, quantization } : { kind: 'tensor', tensor });
    return id;
  }

  /** The id of an input of a node being lowered: a subgraph input, a constant or an earlier result. */
  valueOf(arg: Argument | undefined): number {
    if (arg?.kind !== 'node') throw new EtchError('XNNPACK_LOWERING', `expected a tensor argument, got ${arg?.kind ?? 'nothing'}`);
    const known = this.ids.get(key(arg));
    if (known !== undefined) return known;
    const target = this.constantTargets.get(arg.node);
    if (target === undefined) throw new EtchError('XNNPACK_LOWERING', `value ${this.program.graph.node(arg.node).name} is used before it is lowered`);
    const data = this.program.constants.get(target)!;
    const id = this.floatConstant(data, this.dimsOf(arg));
    this.ids.set(key(arg), id);
    return id;
  }

  /** An fp32 constant tensor from a program constant. */
  floatConstant(data: ConstantData, dims: readonly number[]): number {
    const bytes = new Uint8Array(data.read().bytes);
    return this.define(XnnDatatype.fp32, dims, undefined, undefined, this.addConstant(bytes, false));
  }

  /** An fp32 constant tensor from values the lowering computed. */
  floatConstantOf(values: Float32Array, dims: readonly number[]): number {
    return this.define(XnnDatatype.fp32, dims, undefined, undefined, this.addConstant(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), false));
  }

  /** A [1] fp32 constant holding `value` (scalar operands of binary nodes). */
  scalar(value: number): number {
    return this.define(XnnDatatype.fp32, [1], undefined, undefined, this.addConstant(new Uint8Array(Float32Array.of(value).buffer), false));
  }

  /** The id for output `index` of `node`: an external output when it leaves the subgraph, else internal. */
  result(node: Node, index = 0): number {
    const arg: NodeArgument = { kind: 'node', node: node.id, output: index };
    const externalId = this.outputs.get(key(arg));
    const id = this.define(XnnDatatype.fp32, this.dimsOf(arg), externalId === undefined ? undefined : { externalId, flags: VALUE_FLAG_EXTERNAL_OUTPUT });
    if (externalId !== undefined) this.outputIds.push(id);
    this.ids.set(key(arg), id);
    return id;
  }

  /** A new internal fp32 value. */
  internal(dims: readonly number[]): number {
    return this.define(XnnDatatype.fp32, dims);
  }

  /** A qdint8 value quantized per row at run time from an fp32 value with these dims. */
  dynamicallyQuantized(dims: readonly number[]): number {
    return this.define(XnnDatatype.qdint8, dims, undefined, { kind: 'per-token-dynamic', numNonbatchDims: 1 });
  }

  /** An int8 filter [outputs, inputs] with one fp32 scale per output channel (qcint8). */
  channelwiseInt8Filter(values: Int8Array, scales: Float32Array, outputs: number, inputs: number): number {
    const scaleIndex = this.addConstant(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength), true);
    const dataIndex = this.addConstant(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), false);
    return this.define(XnnDatatype.qcint8, [outputs, inputs], undefined, { kind: 'per-channel', scales: [], channelDim: 0, scaleBufferIndex: scaleIndex, numScales: outputs }, dataIndex);
  }

  /**
   * A 4-bit filter [outputs, inputs] (values in [-8, 7]): per output channel (qcint4, fp32
   * scales) when `groupSize` equals `inputs`, else blockwise (qbint4, bf16 scales per group).
   */
  int4Filter(values: Int8Array, scales: Float32Array, outputs: number, inputs: number, groupSize: number): number {
    const dataIndex = this.addConstant(packInt4(values, outputs, inputs), false);
    if (groupSize === inputs) {
      const scaleIndex = this.addConstant(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength), true);
      return this.define(XnnDatatype.qcint4, [outputs, inputs], undefined, { kind: 'per-channel', scales: [], channelDim: 0, scaleBufferIndex: scaleIndex, numScales: outputs }, dataIndex);
    }
    const bf16 = Uint16Array.from(scales, floatToBfloat16);
    const scaleIndex = this.addConstant(new Uint8Array(bf16.buffer), true);
    return this.define(
      XnnDatatype.qbint4,
      [outputs, inputs],
      undefined,
      { kind: 'per-channel-group', scales: [], channelDim: 0, groupSize, scaleBufferIndex: scaleIndex, numScales: scales.length },
      dataIndex,
    );
  }

  /** Appends a node; debug handles number the nodes in order. */
  add(node: NodeInit): void {
    this.nodes.push({ ...node, debugHandle: this.debugHandle++ } as XnnNode);
  }

  /** Registers constant bytes (kept as given: callers pass fresh or immutable data). */
  private addConstant(bytes: Uint8Array, scale: boolean): number {
    this.pending.push({ bytes, scale });
    return this.pending.length;
  }

  /** The finished graph and the named data its constants live in (one blob per distinct key). */
  async finish(): Promise<{ graph: XnnGraph; namedData: NamedBlob[] }> {
    for (const [argKey, externalId] of this.outputs) {
      if (!this.ids.has(argKey)) throw new EtchError('XNNPACK_LOWERING', `subgraph output ${externalId} was never computed`);
    }
    const constantData: ConstantDataEntry[] = [{ kind: 'named', key: '', size: 0n }];
    const namedData = new Map<string, NamedBlob>();
    for (const constant of this.pending) {
      const hash = await sha256Hex(constant.bytes);
      const name = constant.scale ? `scale_${hash}` : hash;
      constantData.push({ kind: 'named', key: name, size: BigInt(constant.bytes.length) });
      if (!namedData.has(name)) namedData.set(name, { key: name, data: constant.bytes, alignment: PAYLOAD_ALIGNMENT });
    }
    const graph: XnnGraph = {
      version: '0',
      nodes: this.nodes,
      values: this.values,
      numExterns: this.externs,
      inputIds: this.inputIds,
      outputIds: this.outputIds,
      constantData,
    };
    return { graph, namedData: [...namedData.values()] };
  }
}

/** Packs int4 values (in [-8, 7]) two per byte with +8, even column in the low nibble, rows padded to whole bytes. */
export function packInt4(values: Int8Array, rows: number, columns: number): Uint8Array {
  const rowBytes = Math.ceil(columns / 2);
  const packed = new Uint8Array(rows * rowBytes);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const nibble = (values[r * columns + c]! + 8) & 0x0f;
      packed[r * rowBytes + (c >> 1)]! |= (c & 1) === 0 ? nibble : nibble << 4;
    }
  }
  return packed;
}
