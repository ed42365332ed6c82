/**
 * Turns any failure into the one line (plus hint) the CLI prints, and a non-zero exit code:
 * 2 for usage errors, 1 for everything else. Unexpected exceptions keep their stack when
 * `ETCH_DEBUG` is set.
 */

import { EtchError } from '@etch/core';

export class UsageError extends EtchError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, hint ? { hint } : {});
    this.name = 'UsageError';
  }
}

export function formatError(error: unknown): { text: string; exitCode: number } {
  if (EtchError.isInstance(error)) {
    const hint = error.hint ? `\n  hint: ${error.hint}` : '';
    return { text: `etch: ${error.message}${hint}`, exitCode: error.code === 'USAGE' ? 2 : 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.ETCH_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return { text: `etch: unexpected error: ${message}${stack}\n  hint: rerun with ETCH_DEBUG=1 for the stack trace and report it`, exitCode: 1 };
}
