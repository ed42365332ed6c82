/**
 * The dispatcher behind `etch`: picks the subcommand, prints help, and turns every failure into
 * one clear line with a hint and a non-zero exit code (see cli-error.ts).
 */

import { benchCommand } from './commands/bench.js';
import { exportCommand } from './commands/export.js';
import { generateCommand } from './commands/generate.js';
import { inspectCommand } from './commands/inspect.js';
import type { Command } from './command.js';
import { UsageError, formatError } from './cli-error.js';
import type { CliIo } from './io.js';

export const commands: readonly Command[] = [exportCommand, generateCommand, inspectCommand, benchCommand];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'etch: Hugging Face causal LMs to ExecuTorch .pte programs, without Python.',
    '',
    'Usage: etch <command> [options]',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run 'etch <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Runs one command line; resolves to the process exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview());
    return name === undefined ? 2 : 0;
  }
  try {
    const command = commands.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError(`unknown command '${name}'`, `commands: ${commands.map((c) => c.name).join(', ')}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.usage}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    const { text, exitCode } = formatError(error);
    io.stderr(`${text}\n`);
    return exitCode;
  }
}
