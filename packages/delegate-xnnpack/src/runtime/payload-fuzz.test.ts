// Corrupted payloads must fail at init with etch's typed errors (never a TypeError or a
// RangeError from reading past a buffer): seeded mutations of upstream q8 payloads.

import { EtchError } from '@etch/core';
import { describe, expect, it } from 'vitest';
import { loadUpstreamExport } from '../../test/upstream-payloads.js';
import { xnnpackRuntime } from './xnnpack-runtime.js';

const exported = loadUpstreamExport('xnnpack_q8_static');

describe.skipIf(!exported)('XNNPACK payload fuzzing', () => {
  it('every mutation either loads or throws an EtchError', async () => {
    const runtime = xnnpackRuntime({ kernels: 'typescript' });
    const namedData = { has: (key: string) => exported!.namedData.has(key), get: (key: string) => exported!.namedData.get(key), keys: () => [...exported!.namedData.keys()] };
    let seed = 0x9e3779b9;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    let failures = 0;
    for (let trial = 0; trial < 400; trial++) {
      const source = exported!.payloads[next() % exported!.payloads.length]!;
      const bytes = source.slice();
      const flips = 1 + (next() % 4);
      for (let i = 0; i < flips; i++) bytes[next() % bytes.length] = next() & 0xff;
      try {
        const handle = await runtime.init(bytes, [], { methodName: 'forward', namedData });
        runtime.destroy?.(handle);
      } catch (error) {
        failures++;
        if (!EtchError.isInstance(error)) throw error;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});
