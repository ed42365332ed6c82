/**
 * What a decoder-only transformer is made of, as plain data. Every supported architecture is a
 * function from its `config.json` to a `DecoderSpec`; one skeleton (`build-decoder.ts`) turns any
 * spec into a graph. An architecture therefore states only how it differs from the others: which
 * norm, which activation, which projections are fused, where the weights live.
 */

/** A linear (or GPT-2 Conv1D) module: `name.weight` and, when the checkpoint has it, `name.bias`. */
export interface LinearModule {
  readonly name: string;
  /** Conv1D stores the weight as [in, out]; a linear stores [out, in]. */
  readonly transposed?: boolean;
}

export type NormSpec =
  /** `x * rsqrt(mean(x²) + eps) * w`; Gemma scales by `(1 + w)` instead (`unitOffset`). */
  | { readonly kind: 'rms'; readonly eps: number; readonly unitOffset: boolean }
  /**
   * LayerNorm; OLMo's has neither weight nor bias. `perHead`: one LayerNorm per attention head
   * over [.., heads, headDim], weights at `name.norms.{h}.weight` (StableLM's `qk_layernorm`).
   */
  | { readonly kind: 'layer'; readonly eps: number; readonly weight: boolean; readonly bias: boolean; readonly perHead?: boolean };

export type Activation = 'silu' | 'gelu' | 'gelu-tanh' | 'relu';

/** How query, key and value are projected. */
export type QueryKeyValue =
  | { readonly kind: 'separate'; readonly query: LinearModule; readonly key: LinearModule; readonly value: LinearModule }
  /** One projection whose output is [q; k; v] (Phi-3, GPT-2). */
  | { readonly kind: 'concatenated'; readonly projection: LinearModule }
  /** One projection whose output is, per head, [q_h; k_h; v_h] (GPT-NeoX). */
  | { readonly kind: 'per-head'; readonly projection: LinearModule };

export type FeedForward =
  /** `down(act(gate(x)) * up(x))`. */
  | { readonly kind: 'gated'; readonly gate: LinearModule; readonly up: LinearModule; readonly down: LinearModule; readonly activation: Activation }
  /** The same with gate and up fused into one projection whose output is [gate; up] (Phi-3). */
  | { readonly kind: 'gated-fused'; readonly gateUp: LinearModule; readonly down: LinearModule; readonly activation: Activation }
  /** `down(act(up(x)))` (GPT-2, GPT-NeoX). */
  | { readonly kind: 'plain'; readonly up: LinearModule; readonly down: LinearModule; readonly activation: Activation };

/**
 * How the residual stream flows through a layer:
 * - `sequential`: `h = x + attn(norm1(x)); out = h + mlp(norm2(h))` (Llama and most others);
 * - `parallel`: `out = mlp(norm2(x)) + attn(norm1(x)) + x` (GPT-NeoX);
 * - `parallel-shared-norm`: `n = norm1(x); out = x + attn(n) + mlp(n)` (StableLM's parallel form).
 */
export type Residual = 'sequential' | 'parallel' | 'parallel-shared-norm';

/** Rotary position embedding: how inverse frequencies are derived, over the first `rotaryDim` dims. */
export interface RotarySpec {
  readonly theta: number;
  /** Dimensions rotated (head_dim × partial_rotary_factor); the rest pass through. */
  readonly rotaryDim: number;
  /** Multiplier of cos and sin (LongRoPE's attention factor; 1 otherwise). */
  readonly attentionScaling: number;
  readonly scaling:
    | { readonly kind: 'default' }
    | { readonly kind: 'linear'; readonly factor: number }
    /** Dynamic NTK: frequencies depend on the longest position seen, beyond `maxPositionEmbeddings`. */
    | { readonly kind: 'dynamic'; readonly factor: number; readonly maxPositionEmbeddings: number }
    /**
     * LongRoPE (Phi-3): per-frequency `short_factor` divisors while a call's last position is within
     * `originalMaxPositionEmbeddings`, `long_factor` beyond it.
     */
    | {
        readonly kind: 'longrope';
        readonly shortFactor: readonly number[];
        readonly longFactor: readonly number[];
        readonly originalMaxPositionEmbeddings: number;
      }
    | {
        readonly kind: 'llama3';
        readonly factor: number;
        readonly lowFrequencyFactor: number;
        readonly highFrequencyFactor: number;
        readonly originalMaxPositionEmbeddings: number;
      };
}

export interface LayerSpec {
  readonly attentionNorm: string;
  /** The norm before the feed-forward block; null when it shares the attention norm. */
  readonly feedForwardNorm: string | null;
  /** Gemma 2's norms applied to the attention and feed-forward outputs before the residual add. */
  readonly postAttentionNorm?: string;
  readonly postFeedForwardNorm?: string;
  readonly queryKeyValue: QueryKeyValue;
  readonly output: LinearModule;
  /** Qwen 3's RMSNorm over each query and key head, before RoPE. */
  readonly queryNorm?: string;
  readonly keyNorm?: string;
  /** Keys older than this many positions are masked (Mistral, Gemma 2's sliding layers). */
  readonly slidingWindow: number | null;
  readonly feedForward: FeedForward;
}

export interface DecoderSpec {
  /** The `model_type` this spec was made for, for messages. */
  readonly modelType: string;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly tokenEmbedding: string;
  /** Gemma multiplies embeddings by sqrt(hidden_size). */
  readonly embeddingMultiplier: number | null;
  /** GPT-2's learned position embeddings (`transformer.wpe.weight`). */
  readonly positionEmbedding: string | null;
  readonly rotary: RotarySpec | null;
  readonly norm: NormSpec;
  /** Norms of query/key heads (Qwen 3), which can differ from the block norm. */
  readonly headNorm?: NormSpec;
  readonly residual: Residual;
  readonly layers: readonly LayerSpec[];
  readonly finalNorm: string;
  /** The output projection's weight (the token embedding when tied). */
  readonly languageModelHead: string;
  /** Multiplier of attention scores (head_dim^-0.5 unless the architecture says otherwise). */
  readonly attentionScale: number;
  /** Gemma 2: `tanh(scores / cap) * cap` before masking. */
  readonly attentionSoftcap: number | null;
  /** Gemma 2: `tanh(logits / cap) * cap`. */
  readonly finalLogitSoftcap: number | null;
  /** OLMo: query, key and value are clamped to ±clip. */
  readonly clipQueryKeyValue: number | null;
}
