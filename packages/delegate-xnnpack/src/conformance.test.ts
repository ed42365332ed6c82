// Core's delegate conformance kit, run on the XNNPACK delegate with its runtime half (the
// TypeScript kernels, so the run is the same on every engine).

import { describeDelegateConformance } from '@etch/core/testing';
import { describe, expect, it } from 'vitest';
import { xnnpackRuntime } from './runtime/xnnpack-runtime.js';
import { xnnpack } from './xnnpack-delegate.js';

const outcomes = new Map<string, string>();

describeDelegateConformance(
  { describe, it, expect },
  { delegate: xnnpack(), runtime: xnnpackRuntime({ kernels: 'typescript' }), tolerance: 1e-5, onOutcome: (name, outcome) => outcomes.set(name, outcome) },
);

describe('XNNPACK conformance coverage', () => {
  it('delegates every case but attention', () => {
    const undelegated = [...outcomes].filter(([, outcome]) => outcome === 'undelegated').map(([name]) => name);
    expect(undelegated).toEqual(['attention-gqa']);
  });
});
