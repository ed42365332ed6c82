import {
  constantFolding,
  coreOperators,
  createOperatorRegistry,
  deadCodeElimination,
  decompose,
  planMemory,
  portableDecompositions,
  runPasses,
  toOutVariants,
} from '@etch/core';
import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../test-support/synthetic-model.js';
import { exportProgram } from './export-program.js';

/**
 * Issue #2's planner target on the model it names: the decode program (one token per call, a
 * 128-position cache) of a Llama shaped like SmolLM2-135M, lowered as toExecutorch lowers it,
 * planned into an arena within 5% of the peak bytes live at once. Weights are never read:
 * graph building and planning only need shapes.
 */
describe('memory planning of a SmolLM2-135M-shaped decode program', () => {
  it('arena ≤ 1.05 × lower bound', () => {
    const model = syntheticModel({
      modelType: 'llama',
      config: {
        model_type: 'llama',
        hidden_size: 576,
        intermediate_size: 1536,
        num_hidden_layers: 30,
        num_attention_heads: 9,
        num_key_value_heads: 3,
        vocab_size: 49152,
        max_position_embeddings: 8192,
        rms_norm_eps: 1e-5,
        rope_theta: 100000,
        tie_word_embeddings: true,
        head_dim: 64,
        hidden_act: 'silu',
      },
      cache: { maxCacheLength: 128 },
    });
    const registry = createOperatorRegistry(coreOperators());
    const program = exportProgram(model, { embedTokenizer: false });
    const lowered = runPasses(program, [decompose(portableDecompositions()), constantFolding, deadCodeElimination, toOutVariants], { registry }).program;
    const plan = planMemory(lowered, registry);
    const kvCacheBytes = 30 * 2 * 3 * 128 * 64 * 4;
    expect(plan.lowerBound).toBeGreaterThan(kvCacheBytes);
    expect(plan.arenaBytes / plan.lowerBound).toBeLessThanOrEqual(1.05);
  });
});
