/**
 * Argument parsing on Node's own `util.parseArgs`, with numbers validated here so every command
 * reports a bad flag the same way: the flag, what it got, and what it needs.
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

type StrictConfig<Options extends OptionsConfig> = { args: string[]; options: Options; allowPositionals: true; strict: true };
type Parsed<Options extends OptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<Options>>>;

export function parse<const Options extends OptionsConfig>(command: string, args: string[], options: Options): Parsed<Options> {
  try {
    return parseArgs<StrictConfig<Options>>({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`, `run 'etch ${command} --help'`);
  }
}

export function integerFlag(name: string, value: string | undefined, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got '${value}'`);
  }
  return parsed;
}

export function numberFlag(name: string, value: string | undefined, { min = -Infinity, max = Infinity } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got '${value}'`);
  }
  return parsed;
}
