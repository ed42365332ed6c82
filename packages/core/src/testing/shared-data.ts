/**
 * Locates reference data in `../shared` (beside the repository) for tests. Locally a missing file
 * skips the test; under CI (`CI` set) a missing file is a failure, because CI always has the data.
 */

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

/** Absolute path of `../shared/<relative>` next to the repository. */
export function sharedPath(relative: string): string {
  return resolve(repositoryRoot(), '..', 'shared', relative);
}

/**
 * The path if it exists. Otherwise: under CI, throws (a missing reference is a failure); locally,
 * returns undefined so the caller can skip.
 */
export function findSharedData(relative: string): string | undefined {
  const path = sharedPath(relative);
  if (existsSync(path)) return path;
  if (process.env.CI) throw new Error(`reference data missing under CI: ${path}`);
  return undefined;
}
