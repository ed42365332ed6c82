/**
 * The Hugging Face Hub cache layout, shared with the Python `huggingface_hub` and transformers.js:
 * `<cache>/models--org--name/{blobs/<etag>, refs/<revision>, snapshots/<commit>/<file> → blob}`.
 * The cache root honours `HF_HUB_CACHE`, then `HF_HOME/hub`, then `~/.cache/huggingface/hub`.
 */

import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getHFHubCachePath } from '@huggingface/hub';
import { writeFileAtomic } from '../atomic-write.js';

const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** The cache root: `cacheDir` if given, else `HF_HUB_CACHE`, `HF_HOME/hub`, `~/.cache/huggingface/hub`. */
export function hubCacheDirectory(cacheDir?: string): string {
  return cacheDir ?? getHFHubCachePath();
}

/** `<cache>/models--org--name`. */
export function repositoryCacheFolder(cacheDirectory: string, repo: string): string {
  return join(cacheDirectory, `models--${repo.split('/').join('--')}`);
}

/** `<repository folder>/snapshots/<commit>`. */
export function snapshotFolder(repositoryFolder: string, commit: string): string {
  return join(repositoryFolder, 'snapshots', commit);
}

/** Whether a revision is a full commit hash (then it names a snapshot directly). */
export function isCommitHash(revision: string): boolean {
  return COMMIT_HASH.test(revision);
}

/**
 * The commit a revision points at in the cache: the revision itself when it is a commit hash with
 * a snapshot, else the content of `refs/<revision>`; undefined when the cache has neither.
 */
export function cachedCommit(repositoryFolder: string, revision: string): string | undefined {
  if (isCommitHash(revision)) return existsSync(snapshotFolder(repositoryFolder, revision)) ? revision : undefined;
  const ref = join(repositoryFolder, 'refs', ...revision.split('/'));
  if (!existsSync(ref)) return undefined;
  const commit = readFileSync(ref, 'utf8').trim();
  return isCommitHash(commit) && existsSync(snapshotFolder(repositoryFolder, commit)) ? commit : undefined;
}

/** Records `refs/<revision>` → commit (atomically), as huggingface_hub does after a download. */
export async function writeRef(repositoryFolder: string, revision: string, commit: string): Promise<void> {
  if (isCommitHash(revision)) return;
  const ref = join(repositoryFolder, 'refs', ...revision.split('/'));
  await mkdir(join(ref, '..'), { recursive: true });
  await writeFileAtomic(ref, commit);
}
