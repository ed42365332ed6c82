/**
 * The XNNPACK export recipes, for `toExecutorch(program, { recipe: 'xnnpack_q8', recipes:
 * xnnpackRecipes() })` and `etch export --recipe …`: fp32, 8-bit dynamically quantized linears
 * (8da8w) and 4-bit grouped weights (8da4w), each optionally with quantized embeddings.
 */

import { type EmbeddingQuantizationOptions, InvalidArgumentError, type Pass, type Recipe, quantizeEmbeddings, quantizeLinears } from '@etch/core';
import { xnnpack } from './xnnpack-delegate.js';

/** Options of `xnnpackRecipes`. */
export interface XnnpackRecipeOptions {
  /** Inputs per scale of 4-bit weights in `xnnpack_8da4w` (default 32; a multiple of 32). */
  readonly groupSize?: number;
  /** Quantize embedding tables too (`-E bits,group` in ExecuTorch's scripts); runs on portable kernels. */
  readonly embeddings?: EmbeddingQuantizationOptions;
}

function embeddingPasses(options: XnnpackRecipeOptions): Pass[] {
  return options.embeddings ? [quantizeEmbeddings(options.embeddings)] : [];
}

function embeddingNote(options: XnnpackRecipeOptions): string {
  const embeddings = options.embeddings;
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
  const note = embeddingNote(options);
  return [
    {
      name: 'xnnpack',
      description: `fp32; linears, matmuls, elementwise ops and softmax on XNNPACK, the rest on portable kernels${note}`,
      passes: embeddingPasses(options),
      delegates,
    },
    {
      name: 'xnnpack_q8',
      description: `8da8w: linears with int8 per-channel weights and per-token dynamically quantized activations on XNNPACK${note}`,
      passes: [quantizeLinears({ weightBits: 8, activations: 'dynamic-per-token' }), ...embeddingPasses(options)],
      delegates,
    },
    {
      name: 'xnnpack_8da4w',
      description: `8da4w: linears with int4 weights in groups of ${groupSize} and per-token dynamically quantized activations on XNNPACK${note}`,
      passes: [quantizeLinears({ weightBits: 4, groupSize, activations: 'dynamic-per-token' }), ...embeddingPasses(options)],
      delegates,
    },
  ];
}
