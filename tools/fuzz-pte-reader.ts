/**
 * A longer fuzz campaign against the `.pte` and `.ptd` readers than the test suite runs:
 * mutates every reference vector in ../shared/conformance (or the files given) and checks that
 * each mutated file either decodes or fails with an EtchError, within a time limit.
 *
 *   pnpm fuzz [--count N] [--seed S] [--max-ms M] [--save DIR] [files…]
 *
 * Prints a summary per mutation kind; exits 1 on the first failure, printing the seed,
 * iteration and file so it reproduces. With --save, the failing input (or, when nothing fails,
 * the slowest one) is written to DIR so it can be replayed directly.
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EtchError, readPtd, readPte } from '@etch/core';
import { mutate, seededRandom, type MutationKind } from '../packages/core/src/pte/fuzz-mutations.js';
import { sharedPath } from '../packages/core/src/testing/shared-data.js';

const { values, positionals } = parseArgs({
  options: {
    count: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '1' },
    'max-ms': { type: 'string', default: '1000' },
    save: { type: 'string' },
  },
  allowPositionals: true,
});
const count = Number(values.count);
const seed = Number(values.seed);
const maxMilliseconds = Number(values['max-ms']);

function referenceFiles(): string[] {
  const files: string[] = [];
  for (const relative of ['conformance/upstream', 'conformance/upstream-llm/stories260K']) {
    const directory = sharedPath(relative);
    for (const name of readdirSync(directory)) if (name.endsWith('.pte') || name.endsWith('.ptd')) files.push(join(directory, name));
  }
  return files.sort();
}

const inputs = (positionals.length > 0 ? positionals : referenceFiles()).map((path) => ({ path, bytes: new Uint8Array(readFileSync(path)) }));
const bySize = inputs.slice().sort((left, right) => left.bytes.length - right.bytes.length);
const random = seededRandom(seed);
const stats = new Map<MutationKind, { runs: number; decoded: number; rejected: number }>();
let slowest = { milliseconds: 0, label: '', bytes: new Uint8Array(0), name: '' };

/** Writes `bytes` to the --save directory, if one was given, and says where. */
function save(name: string, bytes: Uint8Array): void {
  if (values.save === undefined) return;
  mkdirSync(values.save, { recursive: true });
  const path = join(values.save, name);
  writeFileSync(path, bytes);
  console.error(`  saved ${path}`);
}
const started = performance.now();

for (let iteration = 0; iteration < count; iteration++) {
  // Nine in ten iterations take one of the smaller half of the files: they parse faster and
  // still reach every table type; the rest take any file.
  const pool = random() < 0.9 ? bySize.slice(0, Math.ceil(bySize.length / 2)) : bySize;
  const chosen = pool[Math.floor(random() * pool.length)]!;
  const { bytes, kind } = mutate(chosen.bytes, random);
  const label = `seed ${seed} iteration ${iteration} ${kind} of ${chosen.path}`;
  const savedName = `seed${seed}-iteration${iteration}-${kind}${chosen.path.slice(chosen.path.lastIndexOf('.'))}`;
  const entry = stats.get(kind) ?? { runs: 0, decoded: 0, rejected: 0 };
  stats.set(kind, entry);
  entry.runs++;
  const start = performance.now();
  try {
    if (chosen.path.endsWith('.ptd')) readPtd(bytes);
    else readPte(bytes);
    entry.decoded++;
  } catch (error) {
    if (!EtchError.isInstance(error)) {
      console.error(`FAIL ${label}: ${error instanceof Error ? error.stack : String(error)}`);
      save(savedName, bytes);
      process.exit(1);
    }
    entry.rejected++;
  }
  const elapsed = performance.now() - start;
  if (elapsed > slowest.milliseconds) slowest = { milliseconds: elapsed, label, bytes, name: savedName };
  if (elapsed > maxMilliseconds) {
    console.error(`FAIL ${label}: took ${elapsed.toFixed(0)} ms (limit ${maxMilliseconds})`);
    save(savedName, bytes);
    process.exit(1);
  }
  if ((iteration + 1) % 50_000 === 0) console.log(`${iteration + 1} / ${count} …`);
}

console.log(`${count} mutated files from ${inputs.length} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${seed})`);
for (const [kind, entry] of stats) console.log(`  ${kind.padEnd(15)} ${String(entry.runs).padStart(8)} runs, ${entry.decoded} decoded, ${entry.rejected} rejected with EtchError`);
console.log(`  slowest: ${slowest.milliseconds.toFixed(1)} ms (${slowest.label})`);
save(`slowest-${slowest.name}`, slowest.bytes);
