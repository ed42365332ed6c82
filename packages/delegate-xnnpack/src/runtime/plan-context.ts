/**
 * What node planners see while a graph is planned for one set of input shapes: every value's
 * slot (its shape, fixed for the plan, and its address in the kernels' activation memory), the
 * kernels, and the prepared fully connected layers. Planners check shapes once and return a step
 * that only computes, so a decoder calling the graph with the same shapes token after token pays
 * for validation, broadcasting plans and buffer placement once.
 *
 * Placement: values computed by the graph, and copies of its external inputs, live in one arena
 * per graph; a value's block is reused once its last reader (through any alias) has been
 * planned, as the memory planner does for whole programs. Offsets are relative while planning;
 * `rebase` turns them into addresses once the arena is allocated. Constants are copied into the
 * memory once per graph and never move.
 */

import { ExecutionError } from '@etch/core';
import type { ActivationMemory } from '../kernels/activation-memory.js';
import type { CompiledGraph } from './compiled-graph.js';
import type { XnnNode } from '../format/xnn-graph.js';
import type { PreparedLinear, XnnKernels } from '../kernels/xnn-kernels.js';
import { OffsetAllocator } from '../kernels/offset-allocator.js';

/** An fp32 value of a plan: its shape and byte address in the activation memory. */
export interface FloatSlot {
  readonly kind: 'float';
  readonly shape: readonly number[];
  address: number;
}

/**
 * A value XNNPACK quantizes dynamically (qdint8, per row): the fp32 slot it is converted from.
 * The kernels quantize rows themselves inside the quantized fully connected layer, exactly as
 * XNNPACK's convert would, so the conversion is carried to its consumer instead of run twice.
 */
export interface QuantizedSlot {
  readonly kind: 'qd8';
  readonly shape: readonly number[];
  readonly source: FloatSlot;
}

/** Any value of a plan. */
export type Slot = FloatSlot | QuantizedSlot;

/** One node's computation, with its operands bound. */
export type Step = () => void;

/** Who reads a value, for error messages: a node, or the graph's outputs. */
export interface Owner {
  readonly kind: string;
  readonly debugHandle: number;
}

/** The element count of a shape. */
export const numelOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** The slots of one plan as it is built. */
export class PlanContext {
  private readonly slots = new Map<number, Slot>();
  private readonly arena = new OffsetAllocator();
  /** Slots whose address is an arena offset until `rebase`. */
  private readonly arenaSlots: FloatSlot[] = [];
  /** The value owning each arena block, by value id (aliases map to their root). */
  private readonly roots = new Map<number, number>();
  /** Arena blocks of live roots: offset, and the last node reading the root or an alias of it. */
  private readonly live = new Map<number, { offset: number; lastUse: number }>();
  /** Ids of scratch blocks, counting down from -1 so they never meet a value id. */
  private temporaries = 0;
  readonly memory: ActivationMemory;

  constructor(
    readonly graph: CompiledGraph,
    readonly kernels: XnnKernels,
    /** Prepared fully connected layers by node. */
    readonly linears: ReadonlyMap<XnnNode, PreparedLinear>,
    /** Addresses of the graph's constants in the activation memory, kept across plans. */
    private readonly constants: Map<number, number>,
    /** Index of the last node reading each value; graph outputs are read after every node. */
    private readonly lastUse: ReadonlyMap<number, number>,
  ) {
    this.memory = kernels.activations;
  }

  /** A slot for value `id` in a block of its own, until its last reader. Its contents are stale. */
  output(id: number, shape: readonly number[]): FloatSlot {
    const offset = this.arena.allocate(numelOf(shape) * 4);
    const slot: FloatSlot = { kind: 'float', shape, address: offset };
    this.arenaSlots.push(slot);
    this.slots.set(id, slot);
    this.roots.set(id, id);
    this.live.set(id, { offset, lastUse: this.lastUse.get(id) ?? -1 });
    return slot;
  }

  /** A scratch block of `shape` for the node being planned, free again after it. */
  temporary(shape: readonly number[]): FloatSlot {
    return this.output(--this.temporaries, shape);
  }

  /** A slot for value `id` sharing `input`'s data (value `inputId`) under `shape`. */
  alias(id: number, inputId: number, input: FloatSlot, shape: readonly number[]): FloatSlot {
    const slot: FloatSlot = { kind: 'float', shape, address: input.address };
    this.slots.set(id, slot);
    this.extend(id, inputId);
    if (this.roots.has(id)) this.arenaSlots.push(slot);
    return slot;
  }

  /** Value `id` as the dynamically quantized form of `source` (value `sourceId`). */
  quantized(id: number, sourceId: number, source: FloatSlot): QuantizedSlot {
    const slot: QuantizedSlot = { kind: 'qd8', shape: source.shape, source };
    this.slots.set(id, slot);
    this.extend(id, sourceId);
    return slot;
  }

  private extend(id: number, inputId: number): void {
    const root = this.roots.get(inputId);
    if (root === undefined) return;
    this.roots.set(id, root);
    const block = this.live.get(root)!;
    block.lastUse = Math.max(block.lastUse, this.lastUse.get(id) ?? -1);
  }

  /** Frees the blocks of values no node after `nodeIndex` reads. */
  retire(nodeIndex: number): void {
    for (const [root, block] of this.live) {
      if (block.lastUse > nodeIndex) continue;
      this.arena.release(block.offset);
      this.live.delete(root);
    }
  }

  /** Bytes of arena the plan needs. */
  arenaBytes(): number {
    return this.arena.highWater;
  }

  /** Turns arena offsets into addresses in an arena starting at `base`. */
  rebase(base: number): void {
    for (const slot of this.arenaSlots) slot.address += base;
  }

  /** A float input of `node`. */
  float(id: number, node: Owner): FloatSlot {
    const slot = this.get(id, node);
    if (slot.kind !== 'float') throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is quantized where fp32 is expected`);
    return slot;
  }

  get(id: number, node: Owner): Slot {
    const existing = this.slots.get(id);
    if (existing) return existing;
    const value = this.graph.values.get(id);
    if (value?.constant) {
      let address = this.constants.get(id);
      if (address === undefined) {
        address = this.memory.allocate(value.constant.byteLength);
        this.memory.floats().set(value.constant, address >> 2);
        this.constants.set(id, address);
      }
      const slot: FloatSlot = { kind: 'float', shape: value.dims, address };
      this.slots.set(id, slot);
      return slot;
    }
    throw new ExecutionError(`XNNPACK ${node.kind} (debug handle ${node.debugHandle}): value ${id} is read before any node computes it`);
  }
}
