#!/usr/bin/env node
/**
 * The `etch` executable: runs the command line against the real process and exits with the
 * command's status.
 */

import { runCli } from './main.js';
import { processIo } from './io.js';

process.exitCode = await runCli(process.argv.slice(2), processIo);
