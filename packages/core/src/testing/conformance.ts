/**
 * The delegate conformance kit. Every delegate package — ours or a third party's — runs it with
 * its own test runner (the runner's `describe`/`it`/`expect` are passed in, so core does not
 * depend on one). Per case it checks that
 *
 * 1. the partitioner changes nothing but tags (a node list and meta comparison);
 * 2. the lowered program writes to `.pte` and reads back with each payload byte-identical under
 *    the exact backend id;
 * 3. the runtime half, fed the payload from the file, computes what the reference evaluator
 *    computes for the subgraph, within the tolerance.
 *
 * Like ExecuTorch's cross-backend suite, a case whose nodes the delegate declines passes as "ran,
 * but undelegated", and failures name the stage that failed: partition, lowering, run, mismatch.
 */

import { applyDelegate } from '../delegate/apply-delegate.js';
import type { DelegateDefinition } from '../delegate/definition.js';
import { loweredDelegateOf } from '../delegate/lowered.js';
import type { NamedDataMap, RuntimeBackend } from '../delegate/runtime-backend.js';
import { evaluateProgram } from '../evaluator/evaluate.js';
import { toExecutorch } from '../export/to-executorch.js';
import { graphToJson } from '../ir/serialize.js';
import { readNumbers } from '../kernels/access.js';
import { Tensor } from '../kernels/tensor.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import type { RuntimeValue } from '../ops/runtime-value.js';
import { DataLocation } from '../pte/model.js';
import { readPte } from '../pte/reader.js';
import { type ConformanceCase, conformanceCases } from './conformance-cases.js';

/** The subset of a test runner the kit uses (vitest, jest and node:test adapters all fit). */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void> | void): void;
  expect(value: unknown): {
    toBe(expected: unknown): void;
    toEqual(expected: unknown): void;
    toBeLessThanOrEqual(expected: number): void;
  };
}

export interface ConformanceSubject<Options> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly delegate: DelegateDefinition<Options | any>;
  readonly options?: Options;
  /** The runtime half; execution checks are skipped when absent or unavailable here. */
  readonly runtime?: RuntimeBackend<any>;
  /** Absolute tolerance on outputs (default 1e-5; quantizing delegates pass their own). */
  readonly tolerance?: number;
  /** Cases to run (default: all of `conformanceCases()`). */
  readonly cases?: readonly ConformanceCase[];
  /** Called with each case's outcome, for reports ("delegated", "undelegated"). */
  readonly onOutcome?: (caseName: string, outcome: 'delegated' | 'undelegated') => void;
}

class StageError extends Error {
  constructor(stage: 'partition' | 'lowering' | 'run' | 'mismatch', cause: unknown) {
    super(`[${stage}] ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function stage<T>(name: 'partition' | 'lowering' | 'run' | 'mismatch', body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw new StageError(name, error);
  }
}

function namedDataMapOf(entries: Map<string, Uint8Array>): NamedDataMap {
  return { has: (k) => entries.has(k), get: (k) => entries.get(k), keys: () => [...entries.keys()] };
}

function maxAbsDifference(a: Tensor, b: Tensor): number {
  const x = readNumbers(a);
  const y = readNumbers(b);
  if (x.length !== y.length) return Infinity;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

export function describeDelegateConformance<Options>(runner: ConformanceRunner, subject: ConformanceSubject<Options>): void {
  const { delegate } = subject;
  const registry = createOperatorRegistry(coreOperators(), delegate.operators?.() ?? []);
  const tolerance = subject.tolerance ?? 1e-5;
  runner.describe(`${delegate.backendId} delegate conformance`, () => {
    for (const testCase of subject.cases ?? conformanceCases()) {
      runner.it(testCase.name, async () => {
        const { program, inputs } = testCase.build(registry);
        const before = JSON.stringify(graphToJson(program.graph));
        const partitioned = await stage('partition', () =>
          delegate.partition({ program, registry, options: (delegate.optionsSchema?.parse(subject.options ?? {}) ?? subject.options ?? {}) as Options }),
        );
        runner.expect(JSON.stringify(graphToJson(program.graph))).toBe(before);
        for (const id of partitioned.tags.keys()) runner.expect(program.graph.node(id).kind).toBe('call');
        if (partitioned.tags.size === 0) {
          subject.onOutcome?.(testCase.name, 'undelegated');
          return;
        }
        subject.onOutcome?.(testCase.name, 'delegated');

        const artifact = await stage('lowering', () =>
          toExecutorch(program, { recipe: { name: 'conformance', description: 'conformance', delegates: [{ delegate, options: subject.options }] } }),
        );
        const read = await stage('lowering', () => readPte(artifact.bytes));
        const plan = read.executionPlans.find((p) => p.name === 'forward')!;
        runner.expect(plan.delegates.length > 0).toBe(true);
        const named = new Map((read.namedData ?? []).map((n) => [n.key, read.segments[n.segmentIndex]!.data]));
        for (const [i, entry] of plan.delegates.entries()) {
          runner.expect(entry.id).toBe(delegate.backendId);
          const written = artifact.program.executionPlans.find((p) => p.name === 'forward')!.delegates[i]!;
          const payload = entry.processed.location === DataLocation.SEGMENT ? read.segments[entry.processed.index]!.data : read.backendDelegateData[entry.processed.index]!;
          const expected =
            written.processed.location === DataLocation.SEGMENT
              ? artifact.program.segments[written.processed.index]!.data
              : artifact.program.backendDelegateData[written.processed.index]!;
          runner.expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
        }

        const runtime = subject.runtime;
        if (!runtime || !runtime.isAvailable()) return;
        // Run each delegated subgraph through the runtime half (named data as read from the file)
        // and through the reference evaluator.
        const lowered = await stage('lowering', () => applyDelegate({ forward: program }, { delegate, options: subject.options }, registry));
        // Evaluate the fused program once, recording every value, to get each subgraph's inputs.
        const fused = lowered.methods.forward!;
        const values = new Map<number, RuntimeValue[]>();
        fused.signature.inputs.filter((s) => s.kind === 'user_input').forEach((spec, i) => values.set(spec.node, [inputs[i]!]));
        evaluateProgram(fused, inputs, { registry, onNode: (n, v) => values.set(n.id, [...v]) });
        for (const node of fused.graph.nodes) {
          const delegated = loweredDelegateOf(node);
          if (!delegated) continue;
          const list = node.args[0];
          const subInputs = list?.kind === 'list' ? list.items.map((item) => (item.kind === 'node' ? values.get(item.node)?.[item.output] : undefined)) : [];
          if (!subInputs.every((v): v is Tensor => v instanceof Tensor)) throw new StageError('run', 'a delegate input is not a tensor');
          const expected = evaluateProgram(delegated.subgraph, subInputs, { registry }) as Tensor[];
          const outs = expected.map((t) => Tensor.zeros(t.dtype, t.shape));
          await stage('run', async () => {
            const handle = await runtime.init(delegated.payload.processed, delegated.payload.compileSpecs ?? [], {
              methodName: 'forward',
              namedData: namedDataMapOf(named),
            });
            try {
              runtime.execute(handle, [...subInputs, ...outs]);
            } finally {
              runtime.destroy?.(handle);
            }
          });
          await stage('mismatch', () => {
            expected.forEach((t, i) => {
              runner.expect(outs[i]!.shape).toEqual(t.shape);
              runner.expect(maxAbsDifference(outs[i]!, t)).toBeLessThanOrEqual(tolerance);
            });
          });
        }
      });
    }
  });
}
