/**
 * The constant methods ExecuTorch's LLM runner reads (pte-format.md §6), with the names and value
 * types upstream's `export_llama` writes: ints for sizes and ids, a list for `get_eos_ids`, bools
 * for the flags.
 */

import type { MetadataValue } from '@etch/core';

export interface ProgramMetadataInput {
  readonly maxSequenceLength: number;
  readonly maxContextLength: number;
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenIds: readonly number[];
  readonly dynamicShape: boolean;
  readonly numLayers: number;
}

export function programMetadata(input: ProgramMetadataInput): Record<string, MetadataValue> {
  return {
    get_max_seq_len: input.maxSequenceLength,
    get_max_context_len: input.maxContextLength,
    get_vocab_size: input.vocabSize,
    ...(input.bosTokenId === null ? {} : { get_bos_id: input.bosTokenId }),
    ...(input.eosTokenIds.length ? { get_eos_ids: [...input.eosTokenIds] } : {}),
    use_kv_cache: true,
    use_sdpa_with_kv_cache: false,
    enable_dynamic_shape: input.dynamicShape,
    get_n_layers: input.numLayers,
  };
}
