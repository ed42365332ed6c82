/**
 * The attention mask, derived in the graph from `cache_position` so one program serves every
 * step: query at position p may attend to cache slot j iff j <= p (slots past p hold stale or zero
 * entries), and for a sliding window w also j > p - w, i.e. the w most recent positions including
 * itself (transformers' `sliding_window_causal_mask`). Masks are boolean, True = attend.
 */

import { type NodeArgument, ScalarType, Tensor, int } from '@etch/core';
import type { ModelGraph } from './model-graph.js';

/** Builds masks on demand, one per distinct window, all sharing the key-slot indices. */
export class AttentionMasks {
  private readonly masks = new Map<number | null, NodeArgument>();
  private slots: NodeArgument | undefined;
  private queryPositions: NodeArgument | undefined;

  constructor(
    private readonly graph: ModelGraph,
    private readonly positions: NodeArgument,
    private readonly maxCacheLength: number,
  ) {}

  /** Bool [seq, maxCacheLength] for a layer with the given sliding window (null: full causal). */
  forWindow(window: number | null): NodeArgument {
    const existing = this.masks.get(window);
    if (existing) return existing;
    const graph = this.graph;
    this.slots ??= graph.constant(
      'attention.key_slots',
      Tensor.fromArray(ScalarType.LONG, [this.maxCacheLength], BigInt64Array.from({ length: this.maxCacheLength }, (_, j) => BigInt(j))),
    );
    this.queryPositions ??= graph.unsqueeze(this.positions, -1);
    let mask = graph.compare('le', this.slots, this.queryPositions);
    if (window !== null) {
      const oldest = graph.subScalar(this.queryPositions, int(window));
      mask = graph.logicalAnd(mask, graph.compare('gt', this.slots, oldest));
    }
    this.masks.set(window, mask);
    return mask;
  }
}
