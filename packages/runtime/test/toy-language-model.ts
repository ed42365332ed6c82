/**
 * A tiny causal "language model" as a hand-built `.pte` program, for testing generation logic
 * without real weights. One custom kernel writes the tokens into a KV-cache-like buffer at their
 * positions and, for each row, puts the logit peak on `next(sum of the cache up to that position)`.
 * The next token therefore depends on everything the cache holds, so a wrong position, a lost
 * cache or a skipped prefill token changes the output.
 */

import { type OperatorDefinition, type PteProgram, ScalarType, defineCustomOperator } from '@etch/core';
import { boolValue, constantMethod, intValue, plan, program, tensorValue } from './program-builder.js';

export interface ToyModelOptions {
  vocabularySize: number;
  maxContext: number;
  /** Tokens one call takes: the prompt is prefilled in one call when > 1 (dynamic shapes). */
  maxTokensPerCall: number;
  eosId: number;
  /** Export `prefill` (dynamic) and `decode` (one token) methods sharing the cache in planned buffer 2. */
  prefillDecodePair?: boolean;
}

/** The token the toy model predicts after a cache whose first positions sum to `sum`. */
export function toyNextToken(sum: bigint, vocabularySize: number): number {
  return Number((sum * 7n + 3n) % BigInt(vocabularySize));
}

/** `test::toy_lm.out`: the toy model's whole forward as one kernel. */
export function toyOperators(): OperatorDefinition[] {
  return [
    defineCustomOperator('test::toy_lm.out(Tensor tokens, Tensor positions, Tensor(a!) cache, *, Tensor(b!) out) -> Tensor(b!)', 'out', {
      inferMeta: (args) => [args.tensor('out')],
      evaluate(args) {
        const tokens = args.tensor('tokens').data as BigInt64Array;
        const positions = args.tensor('positions').data as BigInt64Array;
        const cache = args.tensor('cache').data as BigInt64Array;
        const out = args.tensor('out');
        const vocabularySize = out.shape[2]!;
        out.resize([1, tokens.length, vocabularySize]);
        const logits = out.data as Float32Array;
        tokens.forEach((token, i) => (cache[Number(positions[i])] = token));
        tokens.forEach((_, i) => {
          let sum = 0n;
          for (let p = 0; p <= Number(positions[i]); p++) sum += cache[p]!;
          const peak = toyNextToken(sum, vocabularySize);
          for (let v = 0; v < vocabularySize; v++) logits[i * vocabularySize + v] = -Math.abs(peak - v);
        });
        return [out];
      },
    }),
  ];
}

/** The toy program: forward(tokens [1, seq], positions [seq]) -> logits [1, seq, vocab], plus runner metadata. */
export function toyProgram(options: ToyModelOptions): PteProgram {
  const { vocabularySize, maxContext, maxTokensPerCall, eosId } = options;
  const dynamic = maxTokensPerCall > 1;
  const cacheBytes = maxContext * 8;
  const forwardPlan = (name: string, tokens: number, isDynamic: boolean, cacheMemoryId: number) =>
    plan({
      name,
      values: [
        tensorValue(ScalarType.LONG, [1, tokens], { dynamic: isDynamic }),
        tensorValue(ScalarType.LONG, [tokens], { dynamic: isDynamic }),
        tensorValue(ScalarType.LONG, [maxContext], { memoryId: cacheMemoryId, memoryOffset: 0 }),
        tensorValue(ScalarType.FLOAT, [1, tokens, vocabularySize], { dynamic: isDynamic, memoryOffset: cacheMemoryId === 1 ? cacheBytes : 0 }),
      ],
      inputs: [0, 1],
      outputs: [3],
      instructions: [{ kind: 'KernelCall', opIndex: 0, args: [0, 1, 2, 3, 3] }],
      operators: [{ name: 'test::toy_lm', overload: 'out' }],
      plannedBytes: cacheMemoryId === 1 ? [cacheBytes + tokens * vocabularySize * 4] : [tokens * vocabularySize * 4, cacheBytes],
    });
  const methods = options.prefillDecodePair
    ? [forwardPlan('decode', 1, false, 2), forwardPlan('prefill', maxTokensPerCall, dynamic, 2)]
    : [forwardPlan('forward', maxTokensPerCall, dynamic, 1)];
  return program([
    ...methods,
    constantMethod('get_max_seq_len', [intValue(maxContext)]),
    constantMethod('get_max_context_len', [intValue(maxContext)]),
    constantMethod('get_vocab_size', [intValue(vocabularySize)]),
    constantMethod('get_bos_id', [intValue(1)]),
    constantMethod('get_eos_ids', [intValue(eosId)], true),
    constantMethod('use_kv_cache', [boolValue(true)]),
    constantMethod('enable_dynamic_shape', [boolValue(dynamic)]),
  ]);
}

/** What greedy generation from the toy model must produce, computed without the runtime. */
export function toyGreedyTokens(promptIds: readonly number[], count: number, vocabularySize: number): number[] {
  const sequence = promptIds.map(BigInt);
  const generated: number[] = [];
  while (generated.length < count) {
    const next = toyNextToken(sequence.reduce((a, b) => a + b, 0n), vocabularySize);
    generated.push(next);
    sequence.push(BigInt(next));
  }
  return generated;
}
