/**
 * Turns zod's validation issues into etch's `ConfigIssue`s: a dotted path to the field and a
 * message that says what was expected, so a `ConfigError` tells the user exactly what to fix.
 */

import type { ConfigIssue } from '@etch/core';
import type { z } from 'zod';

/** `a.b[2].c` from a zod path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** One `ConfigIssue` per zod issue, with `prefix` (e.g. `rope_scaling`) in front of the path. */
export function configIssuesFrom(error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath([...prefix, ...issue.path]), message: issue.message }));
}
