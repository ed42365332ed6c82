/**
 * Every error etch raises on purpose extends `EtchError`. The brand is a `Symbol.for` key, so
 * `EtchError.isInstance` keeps working when two copies of @etch/core end up in one install
 * (a delegate bundling its own copy, say), where `instanceof` would fail.
 */

const BRAND = Symbol.for('etch.error');

export interface EtchErrorOptions {
  cause?: unknown;
  /** One sentence telling the user what to do about it. */
  hint?: string;
}

export class EtchError extends Error {
  readonly [BRAND] = true;
  /** Stable, documented code: callers switch on it, never on the message. */
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: EtchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EtchError';
    this.code = code;
    this.hint = options.hint;
  }

  static isInstance(value: unknown): value is EtchError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** A `.pte`, `.ptd` or delegate payload is malformed: `offset` is the byte where reading failed. */
export class PteFormatError extends EtchError {
  readonly field: string;
  readonly offset: number | undefined;
  constructor(field: string, message: string, options: EtchErrorOptions & { offset?: number } = {}) {
    super('PTE_FORMAT', `${field}: ${message}${options.offset === undefined ? '' : ` (at byte ${options.offset})`}`, options);
    this.name = 'PteFormatError';
    this.field = field;
    this.offset = options.offset;
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** A configuration file (config.json, generation_config.json, …) or option object is invalid. */
export class ConfigError extends EtchError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[], options: EtchErrorOptions = {}) {
    const detail = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
    super('CONFIG', `${file}: ${detail}`, options);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

/** An operator has no definition, kernel or lowering where one is required. */
export class UnsupportedOperatorError extends EtchError {
  readonly op: string;
  readonly backendId: string | undefined;
  constructor(op: string, message: string, options: EtchErrorOptions & { backendId?: string } = {}) {
    super('UNSUPPORTED_OPERATOR', `${op}: ${message}`, options);
    this.name = 'UnsupportedOperatorError';
    this.op = op;
    this.backendId = options.backendId;
  }
}

/** Shapes or dtypes do not fit an operator's schema; `node` names the graph node. */
export class ShapeError extends EtchError {
  readonly node: string | undefined;
  constructor(message: string, options: EtchErrorOptions & { node?: string } = {}) {
    super('SHAPE', options.node ? `${options.node}: ${message}` : message, options);
    this.name = 'ShapeError';
    this.node = options.node;
  }
}

/** A graph pass failed; `passesRun` lists the passes that completed before it, in order. */
export class PassError extends EtchError {
  readonly pass: string;
  readonly passesRun: readonly string[];
  constructor(pass: string, passesRun: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const before = passesRun.length ? ` after ${passesRun.join(' → ')}` : ' (first pass)';
    super('PASS_FAILED', `pass '${pass}' failed${before}: ${reason}`, { cause });
    this.name = 'PassError';
    this.pass = pass;
    this.passesRun = passesRun;
  }
}

/** Executing a program (reference evaluator or runtime) failed. */
export class ExecutionError extends EtchError {
  constructor(message: string, options: EtchErrorOptions = {}) {
    super('EXECUTION', message, options);
    this.name = 'ExecutionError';
  }
}

/** A caller passed an argument that cannot work; the message names it. */
export class InvalidArgumentError extends EtchError {
  readonly argument: string;
  constructor(argument: string, message: string, options: EtchErrorOptions = {}) {
    super('INVALID_ARGUMENT', `${argument}: ${message}`, options);
    this.name = 'InvalidArgumentError';
    this.argument = argument;
  }
}

/** Why a checkpoint could not be read; each reason is also the error's stable code. */
export type CheckpointErrorReason = 'CHECKPOINT_FORMAT' | 'CHECKPOINT_MISSING' | 'CHECKPOINT_DTYPE';

/**
 * A weights file (safetensors, or a shard index) is malformed, missing, or holds a dtype etch
 * cannot load; `file` names it and `tensor` the entry, when one is to blame.
 */
export class CheckpointError extends EtchError {
  readonly file: string;
  readonly tensor: string | undefined;
  constructor(reason: CheckpointErrorReason, file: string, message: string, options: EtchErrorOptions & { tensor?: string } = {}) {
    super(reason, `${file}${options.tensor === undefined ? '' : ` (tensor '${options.tensor}')`}: ${message}`, options);
    this.name = 'CheckpointError';
    this.file = file;
    this.tensor = options.tensor;
  }
}

/** Why a Hugging Face Hub repository could not be resolved; each reason is also the stable code. */
export type HubErrorReason = 'HUB_OFFLINE_NOT_CACHED' | 'HUB_DOWNLOAD' | 'HUB_FILE_MISSING';

/** Downloading from, or resolving a cached snapshot of, a Hugging Face Hub repository failed. */
export class HubError extends EtchError {
  readonly repo: string;
  constructor(reason: HubErrorReason, repo: string, message: string, options: EtchErrorOptions = {}) {
    super(reason, `${repo}: ${message}`, options);
    this.name = 'HubError';
    this.repo = repo;
  }
}
