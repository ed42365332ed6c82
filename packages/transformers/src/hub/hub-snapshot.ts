/**
 * Resolves a Hub id (`org/name`) to a local snapshot folder. Online, it asks the Hub for the
 * revision's commit and file list and downloads only what loading needs into the standard HF
 * cache (reusing files already there). Offline — or when the Hub cannot be reached — it uses the
 * cached snapshot, and says clearly what to do when there is none.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HubError, InvalidArgumentError } from '@etch/core';
import { downloadFileToCacheDir, modelInfo, pathsInfo } from '@huggingface/hub';
import type { LoadProgressEvent } from '../load-progress.js';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from '../weights/open-weights.js';
import { cachedCommit, hubCacheDirectory, repositoryCacheFolder, snapshotFolder, writeRef } from './hub-cache.js';
import { progressFetch } from './progress-fetch.js';

/** How `fromPretrained` reaches the Hugging Face Hub. */
export interface HubOptions {
  /** Branch, tag or commit hash. Default `main`. */
  revision?: string;
  /** Cache root. Default `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** Never touch the network; use the cache only. Default: true when `HF_HUB_OFFLINE` is `1`/`true`. */
  offline?: boolean;
  /** Token for gated or private repositories. Default `HF_TOKEN`. */
  accessToken?: string;
  /** Hub endpoint. Default `HF_ENDPOINT`, else https://huggingface.co. */
  hubUrl?: string;
  /** A fetch implementation (proxies, tests). Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** The optional files loading reads when the repository has them. */
const OPTIONAL_FILES = ['generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether `value` has the shape of a Hub model id (`org/name`). */
export function isHubId(value: string): boolean {
  return HUB_ID.test(value) && !value.split('/').some((part) => part === '..' || part.endsWith('.'));
}

function environmentFlag(name: string): boolean {
  const value = process.env[name]?.toLowerCase();
  return value === '1' || value === 'true' || value === 'yes' || value === 'on';
}

/** The files of `available` that loading needs, weights last (the index first when sharded). */
function neededFiles(available: readonly string[], repo: string): { files: string[]; sharded: boolean } {
  const present = new Set(available);
  if (!present.has('config.json')) {
    throw new HubError('HUB_FILE_MISSING', repo, 'the repository has no config.json', { hint: 'check the repository id; etch loads transformers-format checkpoints' });
  }
  const files = ['config.json', ...OPTIONAL_FILES.filter((file) => present.has(file))];
  if (present.has(SAFETENSORS_FILE)) return { files: [...files, SAFETENSORS_FILE], sharded: false };
  if (present.has(SAFETENSORS_INDEX_FILE)) return { files: [...files, SAFETENSORS_INDEX_FILE], sharded: true };
  throw new HubError('HUB_FILE_MISSING', repo, `the repository has neither ${SAFETENSORS_FILE} nor ${SAFETENSORS_INDEX_FILE}`, {
    hint: 'etch reads safetensors weights only; pick a revision or a repository that has them',
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** Sizes of `files` at the resolved commit, in order (one paths-info request). */
async function fileSizes(
  repo: string,
  files: readonly string[],
  where: { repo: { type: 'model'; name: string }; revision: string; fetch: typeof fetch; accessToken?: string; hubUrl?: string },
): Promise<number[]> {
  let infos: { path: string; size: number }[];
  try {
    infos = await pathsInfo({ ...where, paths: [...files] });
  } catch (error) {
    throw new HubError('HUB_DOWNLOAD', repo, `listing ${files.join(', ')} failed: ${(error as Error).message}`, { cause: error });
  }
  const byPath = new Map(infos.map((info) => [info.path, info.size]));
  return files.map((file) => {
    const size = byPath.get(file);
    if (size === undefined) throw new HubError('HUB_FILE_MISSING', repo, `${file} is not in the repository at ${where.revision}`);
    return size;
  });
}

/** The shard file names an index assigns tensors to. */
async function shardsOf(indexPath: string, repo: string): Promise<string[]> {
  try {
    const index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map?: Record<string, unknown> };
    const shards = new Set(Object.values(index.weight_map ?? {}));
    return [...shards].filter((shard): shard is string => typeof shard === 'string');
  } catch (error) {
    throw new HubError('HUB_DOWNLOAD', repo, `downloaded ${SAFETENSORS_INDEX_FILE} is not valid JSON`, { cause: error });
  }
}

function offlineSnapshot(repo: string, repositoryFolder: string, revision: string, reason: string, cause?: unknown): string {
  const commit = cachedCommit(repositoryFolder, revision);
  if (commit === undefined) {
    throw new HubError('HUB_OFFLINE_NOT_CACHED', repo, `${reason}, and revision '${revision}' is not in the cache (${repositoryFolder})`, {
      cause,
      hint: 'connect to the network once (unset HF_HUB_OFFLINE) so the files download into the cache, or pass a local folder instead of a hub id',
    });
  }
  return snapshotFolder(repositoryFolder, commit);
}

/**
 * Returns the local snapshot folder for `repo` at `options.revision`, downloading missing files.
 * @throws HubError `HUB_OFFLINE_NOT_CACHED`, `HUB_FILE_MISSING` or `HUB_DOWNLOAD`.
 */
export async function resolveHubSnapshot(
  repo: string,
  options: HubOptions & { onProgress?: (event: LoadProgressEvent) => void } = {},
): Promise<string> {
  const revision = options.revision ?? 'main';
  if (revision.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new InvalidArgumentError('revision', `'${revision}' is not a branch, tag or commit name`);
  }
  const cacheDirectory = hubCacheDirectory(options.cacheDir);
  const repositoryFolder = repositoryCacheFolder(cacheDirectory, repo);
  const offline = options.offline ?? environmentFlag('HF_HUB_OFFLINE');
  if (offline) return offlineSnapshot(repo, repositoryFolder, revision, 'offline mode is on');

  const accessToken = options.accessToken ?? process.env['HF_TOKEN'];
  const hubUrl = options.hubUrl ?? process.env['HF_ENDPOINT'];
  const connection = { ...(accessToken ? { accessToken } : {}), ...(hubUrl ? { hubUrl } : {}) };
  let info: { sha: string; filePaths: string[] };
  try {
    info = await modelInfo({ name: repo, revision, additionalFields: ['sha', 'filePaths'], ...connection, ...(options.fetch ? { fetch: options.fetch } : {}) });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === undefined) {
      // No HTTP answer at all (DNS, refused connection, …): transformers falls back to the cache too.
      return offlineSnapshot(repo, repositoryFolder, revision, `the Hub could not be reached (${(error as Error).message})`, error);
    }
    throw new HubError('HUB_DOWNLOAD', repo, `the Hub answered ${status} for revision '${revision}': ${(error as Error).message}`, {
      cause: error,
      hint: status === 401 || status === 403 || status === 404
        ? 'check the repository id and revision; for gated or private repositories accept the licence on huggingface.co and set HF_TOKEN'
        : 'retry later, or pass a local folder',
    });
  }

  const { files, sharded } = neededFiles(info.filePaths, repo);
  const report = options.onProgress ?? (() => {});
  const snapshot = snapshotFolder(repositoryFolder, info.sha);
  const baseFetch = options.fetch ?? fetch;
  const where = { repo: { type: 'model' as const, name: repo }, revision: info.sha, fetch: baseFetch, ...connection };
  const sizes = await fileSizes(repo, files, where);
  let totalBytes = sum(sizes);
  let doneBytes = 0;
  let fraction = 0;
  const queue = [...files];
  for (let index = 0; index < queue.length; index++) {
    const file = queue[index]!;
    let received = 0;
    const fetchWithProgress = progressFetch(baseFetch, (count) => {
      received += count;
      // Monotonic even when the shard sizes join the total after the index arrives.
      fraction = Math.max(fraction, Math.min(1, (doneBytes + received) / Math.max(totalBytes, 1)));
      report({ stage: 'download', fraction, message: `downloading ${file} (${megabytes(received)} / ${megabytes(sizes[index]!)} MB)`, file });
    });
    try {
      await downloadFileToCacheDir({ ...where, path: file, cacheDir: cacheDirectory, fetch: fetchWithProgress });
    } catch (error) {
      throw new HubError('HUB_DOWNLOAD', repo, `downloading ${file} failed: ${(error as Error).message}`, { cause: error, hint: 'retry; files already downloaded stay in the cache' });
    }
    doneBytes += sizes[index]!;
    if (sharded && file === SAFETENSORS_INDEX_FILE) {
      const shards = await shardsOf(join(snapshot, file), repo);
      const shardSizes = await fileSizes(repo, shards, where);
      queue.push(...shards);
      sizes.push(...shardSizes);
      totalBytes += sum(shardSizes);
    }
  }
  await writeRef(repositoryFolder, revision, info.sha);
  report({ stage: 'download', fraction: 1, message: `${repo}@${info.sha.slice(0, 8)}: ${queue.length} files in the cache` });
  return snapshot;
}
