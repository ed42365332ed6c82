/**
 * Test support: the XNNPACK payloads and named data of ExecuTorch's reference exports in
 * `../shared/conformance/upstream-llm/stories260K`, read from the `.pte` with core's reader.
 */

import { readFileSync } from 'node:fs';
import { DataLocation, readPte } from '@etch/core';
import { findSharedData } from '@etch/core/testing';

export const UPSTREAM_DIRECTORY = 'conformance/upstream-llm/stories260K';

export interface UpstreamExport {
  /** Payloads of the forward method's delegates, in delegate order. */
  readonly payloads: Uint8Array[];
  readonly namedData: Map<string, Uint8Array>;
}

/** The export named `variant` (`xnnpack_static`, …), or undefined when the data is absent locally. */
export function loadUpstreamExport(variant: string): UpstreamExport | undefined {
  const path = findSharedData(`${UPSTREAM_DIRECTORY}/${variant}.pte`);
  if (!path) return undefined;
  const program = readPte(new Uint8Array(readFileSync(path)));
  const forward = program.executionPlans.find((plan) => plan.name === 'forward')!;
  const payloads = forward.delegates.map((delegate) =>
    delegate.processed.location === DataLocation.SEGMENT ? program.segments[delegate.processed.index]!.data : program.backendDelegateData[delegate.processed.index]!,
  );
  const namedData = new Map((program.namedData ?? []).map((entry) => [entry.key, program.segments[entry.segmentIndex]!.data]));
  return { payloads, namedData };
}
