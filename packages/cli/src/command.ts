/**
 * What a subcommand is to the dispatcher: a name, one line for `etch --help`, its usage text, and
 * a function that returns an exit code. Commands write through `CliIo` so tests run them
 * in-process.
 */

import type { CliIo } from './io.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}
