/**
 * One zod schema per supported `model_type`, carrying the defaults transformers' configuration
 * classes (v4.57) apply when a key is absent, plus the derived values transformers computes in
 * `__init__` (head_dim, num_key_value_heads, layer_types, …). Dimension keys (vocab and hidden
 * sizes, layer and head counts) are required: transformers would fall back to its 7B-sized class
 * defaults, which never match a real checkpoint's weights, so a missing one is a broken file.
 */

import type { ConfigIssue } from '@etch/core';
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const positive = z.number().positive();
const probability = z.number().min(0).max(1);
const tokenId = z.number().int().nonnegative();
const tokenIds = z.union([tokenId, z.array(tokenId).min(1)]);

/** The activation names transformers' `ACT2FN` maps (an unknown one fails at model build there too). */
export const ACTIVATIONS = [
  'gelu',
  'gelu_10',
  'gelu_accurate',
  'gelu_fast',
  'gelu_new',
  'gelu_python',
  'gelu_pytorch_tanh',
  'laplace',
  'leaky_relu',
  'linear',
  'mish',
  'quick_gelu',
  'relu',
  'relu2',
  'relu6',
  'sigmoid',
  'silu',
  'swish',
  'tanh',
] as const;
const activation = z.enum(ACTIVATIONS);
const layerType = z.enum(['full_attention', 'sliding_attention']);

interface TokenDefaults {
  bos: number | null;
  eos: number | null;
  pad: number | null;
}

/** Special-token ids; transformers' per-class defaults apply when a key is absent. */
function tokenFields(defaults: TokenDefaults) {
  return {
    bos_token_id: tokenId.nullable().default(defaults.bos),
    eos_token_id: tokenIds.nullable().default(defaults.eos),
    pad_token_id: tokenId.nullable().default(defaults.pad),
  };
}

/** Keys every Llama-like decoder (separate q/k/v, RoPE, gated MLP) reads. */
function decoderFields(defaults: {
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  /** `undefined` for classes whose signature default is `None` (→ num_attention_heads). */
  numKeyValueHeads?: number;
  headDim?: number;
  hiddenAct?: (typeof ACTIVATIONS)[number];
}) {
  return {
    vocab_size: positiveInt,
    hidden_size: positiveInt,
    intermediate_size: positiveInt,
    num_hidden_layers: positiveInt,
    num_attention_heads: positiveInt,
    num_key_value_heads: positiveInt.nullable().default(defaults.numKeyValueHeads ?? null),
    head_dim: positiveInt.nullable().default(defaults.headDim ?? null),
    hidden_act: activation.default(defaults.hiddenAct ?? 'silu'),
    max_position_embeddings: positiveInt.default(defaults.maxPositionEmbeddings),
    tie_word_embeddings: z.boolean().default(defaults.tieWordEmbeddings),
    attention_dropout: probability.default(0),
  };
}

type Config = Record<string, unknown>;

/** How one architecture is validated and completed. */
export interface ArchitectureSpec {
  readonly schema: z.ZodType<Config>;
  /** RoPE base when the file gives none; `undefined` for learned positions (GPT-2). */
  readonly defaultRopeTheta: number | undefined;
  /** Key GPT-NeoX spells its RoPE base with (`rotary_emb_base`); `rope_theta` elsewhere. */
  readonly ropeThetaKey?: string;
  /** Legacy rope type names transformers renames for this architecture. */
  readonly ropeTypeAliases?: Readonly<Record<string, string>>;
  /** Derived values and cross-field checks, after the schema filled the defaults. */
  readonly complete: (config: Config, issues: ConfigIssue[]) => void;
}

/** num_key_value_heads / head_dim: `null` means what transformers computes for it. */
function completeHeads(config: Config, issues: ConfigIssue[], hiddenKey = 'hidden_size', headsKey = 'num_attention_heads'): void {
  const hidden = config[hiddenKey] as number;
  const heads = config[headsKey] as number;
  if (config['num_key_value_heads'] === null || config['num_key_value_heads'] === undefined) config['num_key_value_heads'] = heads;
  const kvHeads = config['num_key_value_heads'] as number;
  if (heads % kvHeads !== 0) {
    issues.push({ path: 'num_key_value_heads', message: `expected a divisor of ${headsKey} (${heads}), got ${kvHeads}` });
  }
  if (config['head_dim'] === null || config['head_dim'] === undefined) {
    if (hidden % heads !== 0) {
      issues.push({ path: 'head_dim', message: `expected head_dim to be set, because ${hiddenKey} (${hidden}) is not a multiple of ${headsKey} (${heads})` });
    }
    config['head_dim'] = Math.floor(hidden / heads);
  }
}

/** `layer_types` must name one attention kind per layer. */
function checkLayerTypes(config: Config, issues: ConfigIssue[]): void {
  const layers = config['num_hidden_layers'] as number;
  const types = config['layer_types'] as string[];
  if (types.length !== layers) {
    issues.push({ path: 'layer_types', message: `expected ${layers} entries (num_hidden_layers), got ${types.length}` });
  }
  if (types.includes('sliding_attention') && config['sliding_window'] === null) {
    issues.push({ path: 'sliding_window', message: 'expected a positive integer, because layer_types has sliding_attention layers' });
  }
}

const llama: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 2048, tieWordEmbeddings: false }),
    rms_norm_eps: positive.default(1e-6),
    attention_bias: z.boolean().default(false),
    mlp_bias: z.boolean().default(false),
    pretraining_tp: positiveInt.default(1),
    ...tokenFields({ bos: 1, eos: 2, pad: null }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => completeHeads(config, issues),
};

const mistral: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 4096 * 32, tieWordEmbeddings: false, numKeyValueHeads: 8 }),
    rms_norm_eps: positive.default(1e-6),
    sliding_window: positiveInt.nullable().default(4096),
    ...tokenFields({ bos: 1, eos: 2, pad: null }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => completeHeads(config, issues),
};

/** Qwen2 and Qwen3 share the sliding-window bookkeeping (`use_sliding_window`, `max_window_layers`). */
function qwenSpec(extra: { headDim?: number; attentionBias: boolean }): ArchitectureSpec {
  return {
    schema: z.looseObject({
      ...decoderFields({ maxPositionEmbeddings: 32768, tieWordEmbeddings: false, numKeyValueHeads: 32, ...(extra.headDim ? { headDim: extra.headDim } : {}) }),
      rms_norm_eps: positive.default(1e-6),
      use_sliding_window: z.boolean().default(false),
      sliding_window: positiveInt.nullable().default(4096),
      max_window_layers: z.number().int().nonnegative().default(28),
      layer_types: z.array(layerType).nullable().default(null),
      // Qwen2 always has q/k/v biases and no key for it; Qwen3 reads `attention_bias`.
      ...(extra.attentionBias ? {} : { attention_bias: z.boolean().default(false) }),
      ...tokenFields({ bos: null, eos: null, pad: null }),
    }),
    defaultRopeTheta: 10000,
    complete: (config, issues) => {
      completeHeads(config, issues);
      // transformers: `self.sliding_window = sliding_window if self.use_sliding_window else None`.
      if (!config['use_sliding_window']) config['sliding_window'] = null;
      if (config['layer_types'] === null) {
        const windowLayers = config['max_window_layers'] as number;
        config['layer_types'] = Array.from({ length: config['num_hidden_layers'] as number }, (_, i) =>
          config['sliding_window'] !== null && i >= windowLayers ? 'sliding_attention' : 'full_attention',
        );
      }
      checkLayerTypes(config, issues);
    },
  };
}

const gemma: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 8192, tieWordEmbeddings: true, numKeyValueHeads: 16, headDim: 256, hiddenAct: 'gelu_pytorch_tanh' }),
    // Gemma (4.57) reads hidden_act; hidden_activation is kept for files that set it.
    hidden_activation: activation.nullable().default(null),
    rms_norm_eps: positive.default(1e-6),
    attention_bias: z.boolean().default(false),
    ...tokenFields({ bos: 2, eos: 1, pad: 0 }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => completeHeads(config, issues),
};

const gemma2: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 8192, tieWordEmbeddings: true, numKeyValueHeads: 4, headDim: 256, hiddenAct: 'gelu_pytorch_tanh' }),
    hidden_activation: activation.default('gelu_pytorch_tanh'),
    rms_norm_eps: positive.default(1e-6),
    attention_bias: z.boolean().default(false),
    query_pre_attn_scalar: positive.default(256),
    sliding_window: positiveInt.nullable().default(4096),
    final_logit_softcapping: positive.nullable().default(30),
    attn_logit_softcapping: positive.nullable().default(50),
    layer_types: z.array(layerType).nullable().default(null),
    ...tokenFields({ bos: 2, eos: 1, pad: 0 }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => {
    completeHeads(config, issues);
    if (config['layer_types'] === null) {
      // transformers: even-indexed layers slide, odd ones attend fully.
      config['layer_types'] = Array.from({ length: config['num_hidden_layers'] as number }, (_, i) =>
        (i + 1) % 2 === 1 ? 'sliding_attention' : 'full_attention',
      );
    }
    checkLayerTypes(config, issues);
  },
};

const phi3: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 4096, tieWordEmbeddings: false }),
    original_max_position_embeddings: positiveInt.default(4096),
    rms_norm_eps: positive.default(1e-5),
    partial_rotary_factor: z.number().gt(0).max(1).default(1),
    resid_pdrop: probability.default(0),
    embd_pdrop: probability.default(0),
    sliding_window: positiveInt.nullable().default(null),
    ...tokenFields({ bos: 1, eos: 32000, pad: 32000 }),
  }),
  defaultRopeTheta: 10000,
  // Phi3Config: early Phi-3 files call longrope "su" (or "yarn").
  ropeTypeAliases: { su: 'longrope', yarn: 'longrope' },
  complete: (config, issues) => {
    completeHeads(config, issues);
    const scaling = config['rope_scaling'] as Record<string, unknown> | null;
    if (scaling !== null && scaling['rope_type'] !== 'longrope') {
      issues.push({ path: 'rope_scaling.rope_type', message: `expected "longrope" (the only scaling Phi-3 supports), got ${JSON.stringify(scaling['rope_type'])}` });
    }
    if (scaling?.['rope_type'] === 'longrope') {
      // transformers' Phi3Config._rope_scaling_validation: one factor per rotary frequency.
      const rotaryDim = Math.floor((config['head_dim'] as number) * (config['partial_rotary_factor'] as number));
      for (const key of ['short_factor', 'long_factor']) {
        const length = (scaling[key] as unknown[]).length;
        if (length !== rotaryDim / 2) issues.push({ path: `rope_scaling.${key}`, message: `expected ${rotaryDim / 2} entries (rotary dim / 2), got ${length}` });
      }
    }
  },
};

const gpt2: ArchitectureSpec = {
  schema: z.looseObject({
    vocab_size: positiveInt,
    n_embd: positiveInt,
    n_layer: positiveInt,
    n_head: positiveInt,
    n_positions: positiveInt.default(1024),
    n_inner: positiveInt.nullable().default(null),
    activation_function: activation.default('gelu_new'),
    layer_norm_epsilon: positive.default(1e-5),
    scale_attn_weights: z.boolean().default(true),
    scale_attn_by_inverse_layer_idx: z.boolean().default(false),
    reorder_and_upcast_attn: z.boolean().default(false),
    tie_word_embeddings: z.boolean().default(true),
    ...tokenFields({ bos: 50256, eos: 50256, pad: null }),
  }),
  defaultRopeTheta: undefined,
  complete: (config, issues) => {
    // GPT2MLP uses 4 * n_embd when n_inner is None.
    if (config['n_inner'] === null) config['n_inner'] = 4 * (config['n_embd'] as number);
    config['num_key_value_heads'] = config['n_head'];
    completeHeads(config, issues, 'n_embd', 'n_head');
  },
};

const gptNeox: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 2048, tieWordEmbeddings: false, hiddenAct: 'gelu' }),
    rotary_pct: z.number().gt(0).max(1).default(0.25),
    layer_norm_eps: positive.default(1e-5),
    use_parallel_residual: z.boolean().default(true),
    attention_bias: z.boolean().default(true),
    ...tokenFields({ bos: 0, eos: 2, pad: null }),
  }),
  defaultRopeTheta: 10000,
  ropeThetaKey: 'rotary_emb_base',
  complete: (config, issues) => {
    // transformers 5 spells rotary_pct as partial_rotary_factor; both are kept in step.
    const factor = z.number().gt(0).max(1).safeParse(config['partial_rotary_factor'] ?? config['rotary_pct']);
    if (factor.success) {
      config['partial_rotary_factor'] = factor.data;
      config['rotary_pct'] = factor.data;
    } else {
      issues.push({ path: 'partial_rotary_factor', message: 'expected a number in (0, 1]' });
    }
    config['rotary_emb_base'] = config['rope_theta'];
    completeHeads(config, issues);
  },
};

const olmo: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 2048, tieWordEmbeddings: false }),
    attention_bias: z.boolean().default(false),
    clip_qkv: positive.nullable().default(null),
    ...tokenFields({ bos: null, eos: 50279, pad: 1 }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => completeHeads(config, issues),
};

const stablelm: ArchitectureSpec = {
  schema: z.looseObject({
    ...decoderFields({ maxPositionEmbeddings: 4096, tieWordEmbeddings: false, numKeyValueHeads: 32 }),
    layer_norm_eps: positive.default(1e-5),
    partial_rotary_factor: z.number().gt(0).max(1).default(0.25),
    use_qkv_bias: z.boolean().default(false),
    qk_layernorm: z.boolean().default(false),
    use_parallel_residual: z.boolean().default(false),
    hidden_dropout: probability.default(0),
    ...tokenFields({ bos: 0, eos: 0, pad: null }),
  }),
  defaultRopeTheta: 10000,
  complete: (config, issues) => completeHeads(config, issues),
};

/**
 * The supported `model_type`s. SmolLM, SmolLM2 and TinyLlama checkpoints declare `llama`.
 */
export const ARCHITECTURES: Readonly<Record<string, ArchitectureSpec>> = {
  llama,
  mistral,
  qwen2: qwenSpec({ attentionBias: true }),
  qwen3: qwenSpec({ headDim: 128, attentionBias: false }),
  gemma,
  gemma2,
  phi3,
  gpt2,
  gpt_neox: gptNeox,
  olmo,
  stablelm,
};

/** The `model_type` values `loadModelConfig` accepts, sorted. */
export function supportedModelTypes(): string[] {
  return Object.keys(ARCHITECTURES).sort();
}

