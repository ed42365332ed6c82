import { toExecutorch } from '@etch/core';
import { xnnpackRecipes } from '@etch/delegate-xnnpack';
import { xnnpackRuntime } from '@etch/delegate-xnnpack/runtime';
import { Module, generate } from '@etch/runtime';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { describe, expect, it, vi } from 'vitest';
import { exampleModelDirectory } from '../src/example-model.js';

/**
 * The README's library snippet, on the built-in example model, for every recipe: the cache is
 * fixed at load time, the program takes only tokens and positions, and cache options given to
 * generate are ignored with one warning.
 */
describe('the README workflow as a library', () => {
  for (const recipe of ['portable', 'xnnpack', 'xnnpack_q8', 'xnnpack_8da4w']) {
    it(recipe, async () => {
      const model = await AutoModelForCausalLM.fromPretrained(exampleModelDirectory(), {
        attnImplementation: 'sdpa',
        cacheConfig: { cacheImplementation: 'static', maxCacheLength: 64, maxBatchSize: 1 },
      });
      const program = exportProgram(model, { sequenceLength: { max: 16 } });
      expect(program.inputNames).toEqual(['input_ids', 'cache_position']);
      const { bytes } = await toExecutorch(program, { recipe, recipes: xnnpackRecipes() });
      const module = await Module.load(bytes, { backends: [xnnpackRuntime()] });
      expect(module.metadata()).toMatchObject({ get_max_context_len: 64, use_kv_cache: true, enable_dynamic_shape: true });
      const warn = vi.fn();
      const result = await generate(module, { prompt: 'Hello', maxCacheLength: 4096, logger: { warn } });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(result.stopReason).toBe('eos');
      expect(result.text).toBe('world! This tiny model was exported by etch, straight from TypeScript to an ExecuTorch program. It runs here without Python.');
    });
  }
});
