/**
 * How to call a causal LM's `forward`, read from the program itself. etch's Hugging Face-style
 * exports take `(input_ids [1, seq], cache_position [seq])`; upstream llama exports take
 * `(tokens [1, seq], input_pos [1])`; programs without a KV cache take the tokens alone and see
 * the whole sequence each call. Token dtypes are int64 (or int32 on Arm exports), logits are
 * `[1, vocab]` or `[1, seq, vocab]` in float32, float16 or bfloat16. This module turns token ids
 * and a start position into the inputs, and the output into one row of float32 logits.
 */

import { InvalidArgumentError, type RuntimeValue, ScalarType, Tensor } from '@etch/core';
import type { MethodMeta, TensorInfo } from '../module/method-meta.js';
import type { GenerationSettings } from './generation-settings.js';

/** How to build forward's inputs and read its logits. */
export interface ForwardConvention {
  /** Most tokens one call accepts (1 for static single-token programs). */
  readonly maxTokensPerCall: number;
  /** Whether the program keeps a KV cache (else the whole sequence is fed every call). */
  readonly usesCache: boolean;
  readonly vocabularySize: number;
  /** The inputs for `tokens` starting at cache position `start`. */
  inputs(tokens: readonly number[], start: number): Tensor[];
  /** Copies the last row of the logits output into `row` (float32). */
  lastRow(output: RuntimeValue, row: Float32Array): void;
}

function tensorInfo(meta: MethodMeta, position: number, role: string): TensorInfo {
  const info = meta.inputs[position];
  if (info?.kind !== 'tensor' || (info.dtype !== ScalarType.LONG && info.dtype !== ScalarType.INT)) {
    throw new InvalidArgumentError(`${meta.name} input ${position}`, `expected the ${role} as an int64 or int32 tensor`);
  }
  return info;
}

function integerTensor(dtype: ScalarType, shape: number[], values: readonly number[]): Tensor {
  if (dtype === ScalarType.LONG) return Tensor.fromArray(dtype, shape, BigInt64Array.from(values, (value) => BigInt(value)));
  return Tensor.fromArray(dtype, shape, Int32Array.from(values));
}

/** float16 bits → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloatScratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits → number. */
function bfloatToNumber(bits: number): number {
  bfloatScratch.setUint32(0, bits << 16);
  return bfloatScratch.getFloat32(0);
}

/** Reads the convention off a method's meta and the program's generation settings. */
export function forwardConvention(meta: MethodMeta, settings: GenerationSettings): ForwardConvention {
  const tokensInfo = tensorInfo(meta, 0, 'token ids');
  if (tokensInfo.sizes.length !== 2 || tokensInfo.sizes[0] !== 1) {
    throw new InvalidArgumentError(`${meta.name} input 0`, `expected token ids of shape [1, seq], the program declares [${tokensInfo.sizes.join(', ')}]`);
  }
  const usesCache = meta.inputs.length >= 2;
  if (settings.useKvCache !== undefined && settings.useKvCache !== usesCache) {
    throw new InvalidArgumentError('use_kv_cache', `says ${settings.useKvCache}, but ${meta.name} takes ${meta.inputs.length} inputs`);
  }
  const positionsInfo = usesCache ? tensorInfo(meta, 1, 'cache positions') : undefined;
  if (meta.inputs.length > 2) {
    throw new InvalidArgumentError(meta.name, `takes ${meta.inputs.length} inputs; a causal LM forward takes token ids and, with a KV cache, positions`);
  }
  const logitsInfo = meta.outputs[0];
  if (meta.outputs.length !== 1 || logitsInfo?.kind !== 'tensor') {
    throw new InvalidArgumentError(meta.name, 'a causal LM forward returns exactly one tensor, the logits');
  }
  const dynamicTokens = tokensInfo.dynamism === 'dynamic-bound' && settings.dynamicShape !== false;
  const bound = tokensInfo.sizes[1]!;
  // A bounded input the metadata says not to use dynamically still takes one token at a time.
  const maxTokensPerCall = dynamicTokens ? Math.min(bound, settings.maxSeqLen ?? bound) : tokensInfo.dynamism === 'dynamic-bound' ? 1 : bound;
  if (usesCache && !dynamicTokens && maxTokensPerCall !== 1) {
    throw new InvalidArgumentError(`${meta.name} input 0`, `static token ids of shape [1, ${maxTokensPerCall}] with a KV cache cannot take prompts of other lengths`);
  }
  const positionsAreRange = positionsInfo !== undefined && (positionsInfo.dynamism === 'dynamic-bound' || positionsInfo.sizes.reduce((a, b) => a * b, 1) > 1);
  const vocabularySize = logitsInfo.sizes[logitsInfo.sizes.length - 1]!;

  return {
    maxTokensPerCall,
    usesCache,
    vocabularySize,
    inputs(tokens, start) {
      const ids = integerTensor(tokensInfo.dtype, [1, tokens.length], tokens);
      if (!positionsInfo) return [ids];
      const positions = positionsAreRange
        ? integerTensor(positionsInfo.dtype, [tokens.length], Array.from(tokens, (_, i) => start + i))
        : integerTensor(positionsInfo.dtype, [...positionsInfo.sizes], [start]);
      return [ids, positions];
    },
    lastRow(output, row) {
      if (!(output instanceof Tensor)) throw new InvalidArgumentError(`${meta.name} output 0`, 'expected a logits tensor');
      const vocabulary = output.shape[output.shape.length - 1]!;
      if (vocabulary !== row.length) throw new InvalidArgumentError(`${meta.name} output 0`, `expected ${row.length} logits per row, got ${vocabulary}`);
      const offset = output.numel - vocabulary;
      const data = output.data;
      switch (output.dtype) {
        case ScalarType.FLOAT:
          row.set((data as Float32Array).subarray(offset, offset + vocabulary));
          return;
        case ScalarType.HALF:
          for (let i = 0; i < vocabulary; i++) row[i] = halfToNumber((data as Uint16Array)[offset + i]!);
          return;
        case ScalarType.BFLOAT16:
          for (let i = 0; i < vocabulary; i++) row[i] = bfloatToNumber((data as Uint16Array)[offset + i]!);
          return;
        default:
          throw new InvalidArgumentError(`${meta.name} output 0`, 'logits must be float32, float16 or bfloat16');
      }
    },
  };
}
