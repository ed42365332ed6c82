/**
 * @etch/cli as a library: `runCli` runs an `etch` command line in-process (used by tests and by
 * tools that embed the CLI).
 */

export { runCli, commands } from './main.js';
export type { Command } from './command.js';
export type { CliIo } from './io.js';
export { UsageError, formatError } from './cli-error.js';
