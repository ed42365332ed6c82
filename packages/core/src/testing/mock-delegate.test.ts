import { describe, expect, it } from 'vitest';
import type { RuntimeBackend } from '../delegate/runtime-backend.js';
import type { Tensor } from '../kernels/tensor.js';
import { type ConformanceRunner, describeDelegateConformance } from './conformance.js';
import { mockDelegate, mockRuntimeBackend } from './mock-delegate.js';

// The mock delegate through core's own conformance kit, as any delegate package runs it.
const outcomes = new Map<string, string>();
describeDelegateConformance({ describe, it, expect }, { delegate: mockDelegate, runtime: mockRuntimeBackend, onOutcome: (name, outcome) => outcomes.set(name, outcome) });

describe('the mock delegate under the kit', () => {
  it('delegates the elementwise cases and counts the rest as undelegated passes', () => {
    const delegated = [...outcomes].filter(([, outcome]) => outcome === 'delegated').map(([name]) => name);
    expect(delegated).toEqual(expect.arrayContaining(['add', 'add-broadcast-constant', 'sub-alpha', 'mul-scalar-chain']));
    expect(outcomes.get('softmax')).toBe('undelegated');
  });
});

/** A runner that collects the kit's cases so a test can run them and see which fail, and how. */
function collectingRunner() {
  const cases: { name: string; body: () => Promise<void> | void }[] = [];
  const runner: ConformanceRunner = {
    describe: (_name, body) => body(),
    it: (name, body) => void cases.push({ name, body }),
    expect,
  };
  return { runner, cases };
}

describe('the conformance kit catches broken delegates', () => {
  it('fails a runtime half that computes the wrong numbers, naming the mismatch stage', async () => {
    const wrong: RuntimeBackend<unknown> = {
      ...mockRuntimeBackend,
      execute(handle, args) {
        mockRuntimeBackend.execute(handle as never, args);
        const out = args.at(-1) as Tensor;
        (out.data as Float32Array)[0]! += 0.5;
      },
    };
    const { runner, cases } = collectingRunner();
    describeDelegateConformance(runner, { delegate: mockDelegate, runtime: wrong });
    const add = cases.find((c) => c.name === 'add')!;
    await expect(Promise.resolve().then(add.body)).rejects.toThrow(/\[mismatch\]|expected/);
  });

  it('fails a partitioner that edits the graph', async () => {
    const meddling = {
      ...mockDelegate,
      partition(context: Parameters<typeof mockDelegate.partition>[0]) {
        const node = context.program.graph.nodes.find((n) => n.kind === 'call')!;
        (node as { name: string }).name = 'renamed';
        return mockDelegate.partition(context);
      },
    };
    const { runner, cases } = collectingRunner();
    describeDelegateConformance(runner, { delegate: meddling as typeof mockDelegate, runtime: mockRuntimeBackend });
    await expect(Promise.resolve().then(cases.find((c) => c.name === 'add')!.body)).rejects.toThrow();
  });
});
