/**
 * Choosing the next token from a row of logits: argmax at temperature 0 (the first maximum wins,
 * as llama2.c and ExecuTorch's runner do), otherwise temperature-scaled softmax restricted by
 * top-k and top-p and drawn with a seeded generator, so a seed reproduces a generation exactly.
 * Buffers are allocated once per generation, not per token.
 */

import { InvalidArgumentError } from '@etch/core';

/** How the next token is chosen from the logits. */
export interface SamplingOptions {
  /** 0 (default) is greedy. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or undefined: all). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or undefined: all). */
  topP?: number;
  /** Seed of the random generator (default: random). */
  seed?: number;
}

/** mulberry32: a small, fast, well-distributed 32-bit generator; returns floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The index of the largest value; the first one on ties. */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Chooses tokens from logits rows, reusing its buffers. */
export class Sampler {
  private readonly temperature: number;
  private readonly topK: number;
  private readonly topP: number;
  private readonly random: () => number;
  private readonly probabilities: Float32Array;
  private readonly order: Uint32Array;

  constructor(vocabularySize: number, options: SamplingOptions = {}) {
    this.temperature = options.temperature ?? 0;
    this.topK = options.topK ?? 0;
    this.topP = options.topP ?? 1;
    if (!(this.temperature >= 0)) throw new InvalidArgumentError('temperature', `must be ≥ 0, got ${options.temperature}`);
    if (!Number.isInteger(this.topK) || this.topK < 0) throw new InvalidArgumentError('topK', `must be a non-negative integer, got ${options.topK}`);
    if (!(this.topP > 0 && this.topP <= 1)) throw new InvalidArgumentError('topP', `must be in (0, 1], got ${options.topP}`);
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.probabilities = new Float32Array(vocabularySize);
    this.order = new Uint32Array(vocabularySize);
  }

  /** The next token id for these logits. */
  sample(logits: Float32Array): number {
    if (this.temperature === 0) return argmax(logits);
    const { probabilities, order } = this;
    const size = logits.length;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < size; i++) if (logits[i]! > max) max = logits[i]!;
    let total = 0;
    for (let i = 0; i < size; i++) {
      const p = Math.exp((logits[i]! - max) / this.temperature);
      probabilities[i] = p;
      total += p;
      order[i] = i;
    }
    let kept = size;
    if ((this.topK > 0 && this.topK < size) || this.topP < 1) {
      order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
      if (this.topK > 0 && this.topK < size) kept = this.topK;
      if (this.topP < 1) {
        let keptTotal = 0;
        for (let i = 0; i < kept; i++) keptTotal += probabilities[order[i]!]!;
        let cumulative = 0;
        for (let i = 0; i < kept; i++) {
          cumulative += probabilities[order[i]!]!;
          if (cumulative >= this.topP * keptTotal) {
            kept = i + 1;
            break;
          }
        }
      }
      total = 0;
      for (let i = 0; i < kept; i++) total += probabilities[order[i]!]!;
    }
    let threshold = this.random() * total;
    for (let i = 0; i < kept; i++) {
      threshold -= probabilities[order[i]!]!;
      if (threshold < 0) return order[i]!;
    }
    return order[kept - 1]!;
  }
}
