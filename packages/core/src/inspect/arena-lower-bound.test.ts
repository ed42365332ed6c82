import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSharedData } from '../testing/shared-data.js';
import { inspectPte } from './inspect-pte.js';

/**
 * Every upstream program's memory plan is valid, so the lower bound inferred from its instruction
 * stream can never exceed the arena it uses: if it did, the lifetime inference would be wrong.
 */
const directories = ['conformance/upstream', 'conformance/upstream-llm/stories260K'].map((relative) => findSharedData(relative));

describe.skipIf(directories.some((directory) => !directory))('arena lower bounds of upstream programs', () => {
  const files = directories.flatMap((directory) => readdirSync(directory!).filter((name) => name.endsWith('.pte')).map((name) => join(directory!, name)));

  it.each(files)('%s: lower bound ≤ arena, and tight where the plan is tight', (file) => {
    const summary = inspectPte(new Uint8Array(readFileSync(file)));
    for (const method of summary.methods) {
      for (const arena of method.arenas) {
        expect(arena.lowerBound).toBeLessThanOrEqual(arena.size);
        if (arena.tensors.length > 0) expect(arena.lowerBound).toBeGreaterThan(0);
      }
    }
  });

  it('counts a KV cache as live throughout (upstream xnnpack_static: the plan is tight)', () => {
    const file = files.find((name) => name.endsWith('xnnpack_static.pte'))!;
    const [arena] = inspectPte(new Uint8Array(readFileSync(file))).methods.find((method) => method.name === 'forward')!.arenas;
    expect(arena!.size / arena!.lowerBound).toBeLessThan(1.001);
  });
});
