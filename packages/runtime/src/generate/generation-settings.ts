/**
 * What generation needs to know about a program, read from its constant methods as ExecuTorch's
 * LLM runner does: `get_max_seq_len` (tokens per call), `get_max_context_len` (KV cache length),
 * `get_eos_ids`, `get_bos_id`, `enable_dynamic_shape` and `use_kv_cache`, falling back to the
 * forward method's declared shapes and the tokenizer where a getter is missing.
 */

import { InvalidArgumentError, Tensor } from '@etch/core';
import type { MetadataValue } from '../module/metadata.js';

/** The runner metadata generation uses; undefined where the program has no getter. */
export interface GenerationSettings {
  readonly maxSeqLen: number | undefined;
  readonly maxContextLen: number | undefined;
  readonly eosIds: readonly number[] | undefined;
  readonly bosId: number | undefined;
  /** `enable_dynamic_shape`: whether one call may take several tokens (prefill in parallel). */
  readonly dynamicShape: boolean | undefined;
  /** `use_kv_cache`: whether forward keeps a KV cache (else the whole sequence is fed each call). */
  readonly useKvCache: boolean | undefined;
}

function boolean(value: MetadataValue | undefined, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  throw new InvalidArgumentError(name, `the constant method returns ${JSON.stringify(value)}, expected a boolean`);
}

function integer(value: MetadataValue | undefined, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (value instanceof Tensor && value.numel === 1) return Number(value.data[0]);
  throw new InvalidArgumentError(name, `the constant method returns ${JSON.stringify(value)}, expected an integer`);
}

function integers(value: MetadataValue | undefined, name: string): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => integer(item as MetadataValue, `${name}[${index}]`)!);
  if (value instanceof Tensor) return Array.from(value.data as ArrayLike<number | bigint>, Number);
  return [integer(value, name)!];
}

/** Reads the settings from a module's metadata record. */
export function generationSettings(metadata: Record<string, MetadataValue>): GenerationSettings {
  const maxSeqLen = integer(metadata.get_max_seq_len, 'get_max_seq_len');
  return {
    maxSeqLen,
    maxContextLen: integer(metadata.get_max_context_len, 'get_max_context_len') ?? maxSeqLen,
    eosIds: integers(metadata.get_eos_ids, 'get_eos_ids'),
    bosId: integer(metadata.get_bos_id, 'get_bos_id'),
    dynamicShape: boolean(metadata.enable_dynamic_shape, 'enable_dynamic_shape'),
    useKvCache: boolean(metadata.use_kv_cache, 'use_kv_cache'),
  };
}
