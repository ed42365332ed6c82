import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EtchError } from '../errors.js';
import { inspectPte } from '../inspect/inspect-pte.js';
import { renderInspectHtml } from '../inspect/render-inspect-html.js';
import { findSharedData } from '../testing/shared-data.js';
import { mutate, seededRandom } from './fuzz-mutations.js';
import { readPtd } from './ptd-reader.js';
import { readPte } from './reader.js';
import { readVector, referenceVectors } from './vectors.test-support.js';

/** Small vectors take most iterations; one mid-size LLM export keeps the large-file paths covered. */
const SMALL = ['apple_add.pte', 'ModuleLinear-no-constant-segment.pte', 'arduino_AddModel.pte', 'hist_module_linear.pte', 'hist_module_model_2023.pte', 'arduino_KeywordSpotting.pte'];
const LARGE = 'xnnpack_q8_static.pte';

function feed(read: (bytes: Uint8Array) => unknown, bytes: Uint8Array, label: string): number {
  const start = performance.now();
  try {
    read(bytes);
  } catch (error) {
    if (!EtchError.isInstance(error)) throw new Error(`${label}: non-EtchError ${String(error)}`, { cause: error });
  }
  return performance.now() - start;
}

describe('readPte under mutation', () => {
  const vectors = referenceVectors();
  const small = vectors.filter((vector) => SMALL.includes(vector.name)).map((vector) => ({ name: vector.name, bytes: readVector(vector) }));
  const large = vectors.find((vector) => vector.name === LARGE);

  it.skipIf(small.length === 0)('returns a program or throws an EtchError for 10,000 mutated small files, each within 1 s', () => {
    const random = seededRandom(0x5eed);
    let slowest = 0;
    for (let iteration = 0; iteration < 10_000; iteration++) {
      const source = small[iteration % small.length]!;
      const { bytes, kind } = mutate(source.bytes, random);
      const verifyAlignment = iteration % 2 === 0;
      slowest = Math.max(slowest, feed((input) => readPte(input, { verifyAlignment }), bytes, `${source.name} #${iteration} ${kind}`));
    }
    expect(slowest).toBeLessThan(1000);
  });

  it.skipIf(small.length === 0)('inspectPte and renderInspectHtml summarise or reject 3,000 mutated files (the CLI runs them on anything)', () => {
    const random = seededRandom(0x1 + 0x5eed);
    for (let iteration = 0; iteration < 3_000; iteration++) {
      const source = small[iteration % small.length]!;
      const { bytes, kind } = mutate(source.bytes, random);
      expect(feed((input) => renderInspectHtml(inspectPte(input)), bytes, `inspect ${source.name} #${iteration} ${kind}`)).toBeLessThan(1000);
    }
  });

  it.skipIf(!large)('survives 200 mutations of an LLM export', () => {
    const original = readVector(large!);
    const random = seededRandom(0xbeef);
    let slowest = 0;
    for (let iteration = 0; iteration < 200; iteration++) {
      const { bytes, kind } = mutate(original, random);
      slowest = Math.max(slowest, feed(readPte, bytes, `${LARGE} #${iteration} ${kind}`));
    }
    expect(slowest).toBeLessThan(1000);
  });

  const ptd = findSharedData('conformance/upstream/hist_module_linear.ptd');
  it.skipIf(!ptd)('readPtd returns a file or throws an EtchError for 2,000 mutated .ptd files', () => {
    const original = new Uint8Array(readFileSync(ptd!));
    const random = seededRandom(7);
    for (let iteration = 0; iteration < 2_000; iteration++) {
      const { bytes, kind } = mutate(original, random);
      expect(feed(readPtd, bytes, `ptd #${iteration} ${kind}`)).toBeLessThan(1000);
    }
  });
});
