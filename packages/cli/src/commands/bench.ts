/**
 * `etch bench` (and `pnpm bench` at the repo root): prefill and decode speed of each recipe on
 * stories260K and a SmolLM2-135M-shaped model, beside llama.cpp and this machine's
 * memory-bandwidth bound measured in the same run.
 */

import { parse } from '../arguments.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';

const usage = `Usage: etch bench [--json] [--models a,b] [--recipes a,b]

Measures tokens/s of etch's recipes beside llama.cpp (installed on demand into .bench-out/) and
the memory-bandwidth bound, prints the ratios, and writes a plot into .bench-out/.`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parse('bench', args, { json: { type: 'boolean', default: false }, models: { type: 'string' }, recipes: { type: 'string' } });
  // Loaded on demand: the bench pulls in llama.cpp glue and checkpoints no other command needs.
  const { runBenchmarks } = await import('@etch/delegate-xnnpack/bench');
  const report = await runBenchmarks({
    // The CLI prints the report itself (stdout), keeping progress and the table on stderr.
    json: false,
    ...(values.models ? { models: values.models.split(',') } : {}),
    ...(values.recipes ? { recipes: values.recipes.split(',') } : {}),
    log: (line) => io.stderr(`${line}\n`),
  });
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

export const benchCommand: Command = { name: 'bench', summary: 'measure tokens/s against llama.cpp and the bandwidth bound', usage, run };
