/**
 * The XNNPACK export recipes, for `toExecutorch(program, { recipe: 'xnnpack_q8', recipes:
 * xnnpackRecipes() })` and `etch export --recipe …`: fp32, 8-bit dynamically quantized linears
 * (8da8w) and 4-bit grouped weights (8da4w), each optionally with quantized embeddings.
 */

import { type EmbeddingQuantizationOptions, InvalidArgumentError, type Pass, type Recipe, ScalarType, quantizeEmbeddings, quantizeLinears } from '@etch/core';
import { xnnpack } from './xnnpack-delegate.js';

/** Options of `xnnpackRecipes`. */
export interface XnnpackRecipeOptions {
  /** Inputs per scale of 4-bit weights in `xnnpack_8da4w` (default 32; a multiple of 32). */
  readonly groupSize?: number;
  /**
   * How embedding tables are quantized (`-E bits,group` in ExecuTorch's scripts; the lookups run
   * on portable kernels), for every recipe. By default `xnnpack_q8` and `xnnpack_8da4w` store them
   * in 8 bits per row, so the table (often a fifth of a small model, more once the linears are
   * 4-bit) shrinks with the linears; `xnnpack` keeps them fp32. `false` keeps them fp32 everywhere.
   */
  readonly embeddings?: EmbeddingQuantizationOptions | false;
}

function embeddingPasses(embeddings: EmbeddingQuantizationOptions | false): Pass[] {
  return embeddings ? [quantizeEmbeddings(embeddings)] : [];
}

function embeddingNote(embeddings: EmbeddingQuantizationOptions | false): string {
  if (!embeddings) return '';
  return `; ${embeddings.bits}-bit embeddings${embeddings.groupSize ? ` in groups of ${embeddings.groupSize}` : ''}`;
}

/** The recipes `xnnpack`, `xnnpack_q8` and `xnnpack_8da4w`. */
export function xnnpackRecipes(options: XnnpackRecipeOptions = {}): Recipe[] {
  const groupSize = options.groupSize ?? 32;
  if (!Number.isInteger(groupSize) || groupSize <= 0 || groupSize % 32 !== 0) {
    throw new InvalidArgumentError('groupSize', `must be a positive multiple of 32 (XNNPACK's blockwise 4-bit kernels), got ${groupSize}`);
  }
  const delegates = [{ delegate: xnnpack() }];
  const embeddings = (fallback: EmbeddingQuantizationOptions | false) => (options.embeddings === undefined ? fallback : options.embeddings);
  const fp32Embeddings = embeddings(false);
  const q8Embeddings = embeddings({ bits: 8 });
  return [
    {
      name: 'xnnpack',
      description: `fp32; linears, attention, elementwise ops and softmax on XNNPACK, the rest on portable kernels${embeddingNote(fp32Embeddings)}`,
      passes: embeddingPasses(fp32Embeddings),
      delegates,
    },
    {
      name: 'xnnpack_q8',
      description: `8da8w: linears with int8 per-channel weights and per-token dynamically quantized activations on XNNPACK${embeddingNote(q8Embeddings)}`,
      passes: [quantizeLinears({ weightBits: 8, activations: 'dynamic-per-token' }), ...embeddingPasses(q8Embeddings)],
      delegates,
    },
    {
      name: 'xnnpack_8da4w',
      description: `8da4w: linears with int4 weights in groups of ${groupSize} (least-squares scales; the output head and linears whose input width is not a multiple of ${groupSize} in int8) and per-token dynamically quantized activations on XNNPACK${embeddingNote(q8Embeddings)}`,
      passes: [
        // XNNPACK reads blockwise scales as bfloat16: pick the codes for those.
        quantizeLinears({ weightBits: 4, groupSize, activations: 'dynamic-per-token', searchScale: true, groupScaleDtype: ScalarType.BFLOAT16, outputLayerBits: 8, ungroupedBits: 8 }),
        ...embeddingPasses(q8Embeddings),
      ],
      delegates,
    },
  ];
}
