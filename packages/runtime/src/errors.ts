/**
 * Errors the runtime raises beyond core's: a program that needs a backend this runtime was not
 * given, and a prompt that cannot fit the program's KV cache. Both extend core's `EtchError`, so
 * callers switch on `code` and `EtchError.isInstance` works across duplicate installs.
 */

import { EtchError, type EtchErrorOptions } from '@etch/core';

/** A method's DelegateCall names a backend that was not passed to `Module.load`, or is unavailable here. */
export class BackendUnavailableError extends EtchError {
  readonly backendId: string;
  readonly method: string;
  constructor(backendId: string, method: string, message: string, options: EtchErrorOptions = {}) {
    super('BACKEND_UNAVAILABLE', `method '${method}' delegates to '${backendId}': ${message}`, options);
    this.name = 'BackendUnavailableError';
    this.backendId = backendId;
    this.method = method;
  }
}

/** The prompt has more tokens than the program's KV cache holds (`get_max_context_len`). */
export class PromptTooLongError extends EtchError {
  readonly promptTokens: number;
  readonly maxContextLength: number;
  constructor(promptTokens: number, maxContextLength: number) {
    super(
      'PROMPT_TOO_LONG',
      `the prompt has ${promptTokens} tokens but the program's cache holds ${maxContextLength} (get_max_context_len)`,
      { hint: 'shorten the prompt, or export the model with a larger max cache length' },
    );
    this.name = 'PromptTooLongError';
    this.promptTokens = promptTokens;
    this.maxContextLength = maxContextLength;
  }
}
