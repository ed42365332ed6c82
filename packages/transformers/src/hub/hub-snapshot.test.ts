import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubError } from '@etch/core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeHub, type FakeRepository } from '../../test/fake-hub.js';
import { f32, safetensorsBytes } from '../../test/safetensors-fixture.js';
import { AutoModelForCausalLM } from '../auto-model.js';
import type { LoadProgressEvent } from '../load-progress.js';
import { hubCacheDirectory } from './hub-cache.js';
import { isHubId, resolveHubSnapshot } from './hub-snapshot.js';

const root = mkdtempSync(join(tmpdir(), 'etch-hub-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshCache = () => join(root, `cache-${counter++}`);

const COMMIT = 'a'.repeat(40);
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const config = { model_type: 'llama', vocab_size: 4, hidden_size: 2, intermediate_size: 4, num_hidden_layers: 1, num_attention_heads: 1 };
const embed = { name: 'model.embed_tokens.weight', dtype: 'F32', shape: [4, 2], data: f32([1, 2, 3, 4, 5, 6, 7, 8]) };
const norm = { name: 'model.norm.weight', dtype: 'F32', shape: [2], data: f32([1, 1]) };

function repository(files: Record<string, Uint8Array>): FakeRepository {
  return { name: 'org/tiny', commit: COMMIT, files: { 'config.json': encode(config), ...files } };
}

const singleFile = repository({
  'model.safetensors': safetensorsBytes([embed, norm]),
  'tokenizer.json': encode({ model: {} }),
  'README.md': new TextEncoder().encode('not needed'),
  'pytorch_model.bin': new Uint8Array(16),
});

// Keep the hub client's console.debug("Downloading …") out of the test output.
beforeEach(() => void vi.spyOn(console, 'debug').mockImplementation(() => {}));
afterEach(() => vi.restoreAllMocks());

describe('resolveHubSnapshot', () => {
  it('downloads only the needed files into the HF cache layout, then reuses them', async () => {
    const hub = createFakeHub(singleFile);
    const cacheDir = freshCache();
    const events: LoadProgressEvent[] = [];
    const snapshot = await resolveHubSnapshot('org/tiny', { cacheDir, hubUrl: hub.url, fetch: hub.fetch, onProgress: (event) => events.push(event) });

    const repoFolder = join(cacheDir, 'models--org--tiny');
    expect(snapshot).toBe(join(repoFolder, 'snapshots', COMMIT));
    expect(readFileSync(join(repoFolder, 'refs', 'main'), 'utf8')).toBe(COMMIT);
    expect(lstatSync(join(snapshot, 'model.safetensors')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(snapshot, 'model.safetensors'))).toContain('blobs');
    expect(new Uint8Array(readFileSync(join(snapshot, 'model.safetensors')))).toEqual(singleFile.files['model.safetensors']);
    const downloaded = hub.requests.filter((request) => request.includes('/resolve/')).map((request) => request.split('/').pop());
    expect(new Set(downloaded)).toEqual(new Set(['config.json', 'model.safetensors', 'tokenizer.json']));

    const fractions = events.filter((event) => event.stage === 'download').map((event) => event.fraction);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.some((event) => event.file === 'model.safetensors')).toBe(true);

    const before = hub.requests.length;
    await resolveHubSnapshot('org/tiny', { cacheDir, hubUrl: hub.url, fetch: hub.fetch });
    expect(hub.requests.slice(before).filter((request) => request.includes('/resolve/'))).toEqual([]);
  });

  it('downloads every shard an index names', async () => {
    const sharded = repository({
      'model.safetensors.index.json': encode({ weight_map: { [embed.name]: 'model-00001-of-00002.safetensors', [norm.name]: 'model-00002-of-00002.safetensors' } }),
      'model-00001-of-00002.safetensors': safetensorsBytes([embed]),
      'model-00002-of-00002.safetensors': safetensorsBytes([norm]),
    });
    const hub = createFakeHub(sharded);
    const model = await AutoModelForCausalLM.fromPretrained('org/tiny', { cacheDir: freshCache(), hubUrl: hub.url, fetch: hub.fetch });
    expect(model.weights.names().sort()).toEqual([embed.name, norm.name]);
    expect([...(model.weights.get(norm.name).data as Float32Array)]).toEqual([1, 1]);
  });

  it('works offline from the cache, and from the cache when the Hub is unreachable', async () => {
    const hub = createFakeHub(singleFile);
    const cacheDir = freshCache();
    await resolveHubSnapshot('org/tiny', { cacheDir, hubUrl: hub.url, fetch: hub.fetch });
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const offline = await AutoModelForCausalLM.fromPretrained('org/tiny', { cacheDir, offline: true, fetch: failing });
    expect(offline.weights.get(embed.name).shape).toEqual([4, 2]);
    expect(Object.keys(offline.tokenizerFiles)).toEqual(['tokenizer.json']);
    const unreachable = await resolveHubSnapshot('org/tiny', { cacheDir, hubUrl: hub.url, fetch: failing });
    expect(unreachable).toBe(join(cacheDir, 'models--org--tiny', 'snapshots', COMMIT));
    expect(await resolveHubSnapshot('org/tiny', { cacheDir, offline: true, revision: COMMIT })).toBe(unreachable);
  });

  it('offline without a cached snapshot is a HubError saying what to do', async () => {
    const error = await resolveHubSnapshot('org/tiny', { cacheDir: freshCache(), offline: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ code: 'HUB_OFFLINE_NOT_CACHED', repo: 'org/tiny', hint: expect.stringContaining('local folder') });
    const failing = (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    await expect(resolveHubSnapshot('org/tiny', { cacheDir: freshCache(), fetch: failing })).rejects.toMatchObject({
      code: 'HUB_OFFLINE_NOT_CACHED',
      message: expect.stringContaining('could not be reached'),
    });
  });

  it('HF_HUB_OFFLINE and HF_HUB_CACHE come from the environment', async () => {
    const cacheDir = freshCache();
    const repoFolder = join(cacheDir, 'models--org--tiny');
    mkdirSync(join(repoFolder, 'snapshots', COMMIT), { recursive: true });
    mkdirSync(join(repoFolder, 'blobs'));
    mkdirSync(join(repoFolder, 'refs'));
    writeFileSync(join(repoFolder, 'refs', 'main'), COMMIT);
    writeFileSync(join(repoFolder, 'blobs', 'config-etag'), JSON.stringify(config));
    symlinkSync('../../blobs/config-etag', join(repoFolder, 'snapshots', COMMIT, 'config.json'));
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    vi.stubEnv('HF_HUB_CACHE', cacheDir);
    try {
      expect(hubCacheDirectory()).toBe(cacheDir);
      expect(await resolveHubSnapshot('org/tiny')).toBe(join(repoFolder, 'snapshots', COMMIT));
    } finally {
      vi.unstubAllEnvs();
    }
    vi.stubEnv('HF_HUB_CACHE', undefined as unknown as string);
    vi.stubEnv('HF_HOME', join(root, 'hf-home'));
    try {
      expect(hubCacheDirectory()).toBe(join(root, 'hf-home', 'hub'));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a missing repository or a repository without safetensors is a HubError', async () => {
    const hub = createFakeHub(singleFile);
    await expect(resolveHubSnapshot('org/other', { cacheDir: freshCache(), hubUrl: hub.url, fetch: hub.fetch })).rejects.toMatchObject({
      code: 'HUB_DOWNLOAD',
      message: expect.stringContaining('404'),
      hint: expect.stringContaining('HF_TOKEN'),
    });
    const pickles = createFakeHub(repository({ 'pytorch_model.bin': new Uint8Array(4) }));
    await expect(resolveHubSnapshot('org/tiny', { cacheDir: freshCache(), hubUrl: pickles.url, fetch: pickles.fetch })).rejects.toMatchObject({
      code: 'HUB_FILE_MISSING',
    });
  });

  it('recognises hub ids', () => {
    expect(isHubId('HuggingFaceTB/SmolLM2-135M')).toBe(true);
    expect(isHubId('org/name.v1')).toBe(true);
    expect(isHubId('./folder')).toBe(false);
    expect(isHubId('/abs/path')).toBe(false);
    expect(isHubId('a/b/c')).toBe(false);
    expect(isHubId('org/..')).toBe(false);
    expect(isHubId('gpt2')).toBe(false);
  });
});
