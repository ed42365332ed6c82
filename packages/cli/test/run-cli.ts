/**
 * Runs `etch` in-process for tests, capturing stdout and stderr.
 */

import { runCli } from '../src/main.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function etch(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(args, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), interactive: false });
  return { exitCode, stdout, stderr };
}
