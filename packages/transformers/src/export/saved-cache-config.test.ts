import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toExecutorch } from '@etch/core';
import { findSharedData } from '@etch/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM } from '../auto-model.js';
import { exportProgram } from './export-program.js';

/**
 * Issue #3: a cache config set through fromPretrained, saved with generationConfig.save and
 * reloaded, yields an identical program — compared as the `.pte` bytes both export to.
 */
const stories = findSharedData('models/stories260K');

describe.skipIf(!stories)('a saved cache config reloads into the identical program', () => {
  const folder = mkdtempSync(join(tmpdir(), 'etch-saved-cache-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('gives byte-identical .pte files', async () => {
    const cacheConfig = { cacheImplementation: 'static', maxCacheLength: 96, maxBatchSize: 1 } as const;
    const configured = await AutoModelForCausalLM.fromPretrained(stories!, { cacheConfig });
    cpSync(stories!, folder, { recursive: true });
    await configured.generationConfig.save(folder);
    const reloaded = await AutoModelForCausalLM.fromPretrained(folder);
    expect(reloaded.cacheConfig).toEqual(cacheConfig);

    const bytes = async (model: typeof configured) => (await toExecutorch(exportProgram(model, { sequenceLength: { max: 16 } }))).bytes;
    const [first, second] = [await bytes(configured), await bytes(reloaded)];
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);

    // And the cache really is the configured one: a different length gives a different program.
    const other = await AutoModelForCausalLM.fromPretrained(folder, { cacheConfig: { maxCacheLength: 97 } });
    expect(Buffer.from(await bytes(other)).equals(Buffer.from(first))).toBe(false);
  });
});
