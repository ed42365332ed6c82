/**
 * The Llama layout most architectures start from: `model.embed_tokens`, per layer
 * `input_layernorm` → `self_attn.{q,k,v,o}_proj` → `post_attention_layernorm` →
 * `mlp.{gate,up,down}_proj`, then `model.norm` and `lm_head` (or the tied embedding). Each
 * architecture file passes only what differs.
 */

import { booleanValue, integerValue, numberValue, optionalNumber, stringValue, unsupported } from '../config-values.js';
import type { Activation, DecoderSpec, LayerSpec, NormSpec } from '../decoder-spec.js';
import { type RotaryDefaults, rotaryFromConfig } from '../rotary-config.js';

type Config = Readonly<Record<string, unknown>>;

/** transformers' `ACT2FN` names for the activations etch implements. */
export function activationFromName(name: string, key: string): Activation {
  switch (name) {
    case 'silu':
    case 'swish':
      return 'silu';
    case 'relu':
      return 'relu';
    case 'gelu':
      return 'gelu';
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return 'gelu-tanh';
    default:
      return unsupported(key, `activation '${name}' is not supported (supported: silu, relu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast)`);
  }
}

/** Attention geometry shared by every architecture. */
export function attentionGeometry(config: Config) {
  const hiddenSize = integerValue(config, 'hidden_size');
  const numHeads = integerValue(config, 'num_attention_heads');
  const numKeyValueHeads = integerValue(config, 'num_key_value_heads', numHeads);
  const headDim = integerValue(config, 'head_dim', Math.trunc(hiddenSize / numHeads));
  if (numHeads % numKeyValueHeads !== 0) unsupported('num_key_value_heads', `${numKeyValueHeads} does not divide num_attention_heads ${numHeads}`);
  return { hiddenSize, numHeads, numKeyValueHeads, headDim };
}

export interface LlamaLikeDifferences {
  readonly norm?: NormSpec;
  readonly headNorm?: NormSpec;
  /** transformers' default for `tie_word_embeddings` in this architecture's config class. */
  readonly tiedByDefault?: boolean;
  readonly activation?: Activation;
  readonly rotary?: RotaryDefaults;
  readonly embeddingMultiplier?: number;
  readonly attentionScale?: number;
  readonly attentionSoftcap?: number | null;
  readonly finalLogitSoftcap?: number | null;
  readonly clipQueryKeyValue?: number | null;
  readonly residual?: DecoderSpec['residual'];
  /** Per-layer changes to the Llama layer (fused projections, windows, extra norms). */
  readonly layer?: (index: number, base: LayerSpec) => LayerSpec;
}

export function llamaLikeSpec(modelType: string, config: Config, differences: LlamaLikeDifferences = {}): DecoderSpec {
  const geometry = attentionGeometry(config);
  const numLayers = integerValue(config, 'num_hidden_layers');
  const activation = differences.activation ?? activationFromName(stringValue(config, 'hidden_act', 'silu'), 'hidden_act');
  const tied = booleanValue(config, 'tie_word_embeddings', differences.tiedByDefault ?? false);
  const layers = Array.from({ length: numLayers }, (_, index): LayerSpec => {
    const prefix = `model.layers.${index}`;
    const base: LayerSpec = {
      attentionNorm: `${prefix}.input_layernorm`,
      feedForwardNorm: `${prefix}.post_attention_layernorm`,
      queryKeyValue: {
        kind: 'separate',
        query: { name: `${prefix}.self_attn.q_proj` },
        key: { name: `${prefix}.self_attn.k_proj` },
        value: { name: `${prefix}.self_attn.v_proj` },
      },
      output: { name: `${prefix}.self_attn.o_proj` },
      slidingWindow: null,
      feedForward: {
        kind: 'gated',
        gate: { name: `${prefix}.mlp.gate_proj` },
        up: { name: `${prefix}.mlp.up_proj` },
        down: { name: `${prefix}.mlp.down_proj` },
        activation,
      },
    };
    return differences.layer ? differences.layer(index, base) : base;
  });
  return {
    modelType,
    vocabSize: integerValue(config, 'vocab_size'),
    ...geometry,
    tokenEmbedding: 'model.embed_tokens.weight',
    embeddingMultiplier: differences.embeddingMultiplier ?? null,
    positionEmbedding: null,
    rotary: rotaryFromConfig(config, geometry.headDim, differences.rotary),
    norm: differences.norm ?? { kind: 'rms', eps: numberValue(config, 'rms_norm_eps', 1e-6), unitOffset: false },
    ...(differences.headNorm ? { headNorm: differences.headNorm } : {}),
    residual: differences.residual ?? 'sequential',
    layers,
    finalNorm: 'model.norm',
    languageModelHead: tied ? 'model.embed_tokens.weight' : 'lm_head.weight',
    attentionScale: differences.attentionScale ?? 1 / Math.sqrt(geometry.headDim),
    attentionSoftcap: differences.attentionSoftcap ?? null,
    finalLogitSoftcap: differences.finalLogitSoftcap ?? null,
    clipQueryKeyValue: differences.clipQueryKeyValue ?? null,
  };
}

/**
 * Sliding windows per layer from `layer_types` (`sliding_attention` layers use `sliding_window`),
 * or for every layer when the architecture has one window and no layer types.
 */
export function slidingWindows(config: Config, numLayers: number, layerTypes: readonly string[] | null): (number | null)[] {
  const window = optionalNumber(config, 'sliding_window');
  if (window === null) return new Array<number | null>(numLayers).fill(null);
  if (!layerTypes) return new Array<number | null>(numLayers).fill(window);
  if (layerTypes.length !== numLayers) unsupported('layer_types', `has ${layerTypes.length} entries for ${numLayers} layers`);
  return layerTypes.map((type) => (type === 'sliding_attention' ? window : null));
}
