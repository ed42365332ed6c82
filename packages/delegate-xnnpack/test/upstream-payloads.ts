/**
 * Test support: the XNNPACK payloads and named data of ExecuTorch's reference exports in
 * `../shared/conformance/upstream-llm/stories260K`, located through the export's summary (segment
 * table and delegate list) and sliced from the `.pte` in place.
 */

import { readFileSync } from 'node:fs';
import { findSharedData } from '@etch/core/testing';

export const UPSTREAM_DIRECTORY = 'conformance/upstream-llm/stories260K';

interface Summary {
  extended_header: { segment_base_offset: number };
  segments: { offset: number; size: number }[];
  named_data: { key: string; segment_index: number; size: number }[];
  execution_plans: { name: string; delegates: { id: string; location: string; data_index: number }[] }[];
}

export interface UpstreamExport {
  readonly pte: Uint8Array;
  /** Payloads of the forward method's delegates, in delegate order. */
  readonly payloads: Uint8Array[];
  readonly namedData: Map<string, Uint8Array>;
}

/** The export named `variant` (`xnnpack_static`, …), or undefined when the data is absent locally. */
export function loadUpstreamExport(variant: string): UpstreamExport | undefined {
  const ptePath = findSharedData(`${UPSTREAM_DIRECTORY}/${variant}.pte`);
  const summaryPath = findSharedData(`${UPSTREAM_DIRECTORY}/${variant}.summary.json`);
  if (!ptePath || !summaryPath) return undefined;
  const pte = new Uint8Array(readFileSync(ptePath));
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
  const base = summary.extended_header.segment_base_offset;
  const segment = (index: number) => {
    const entry = summary.segments[index]!;
    return pte.subarray(base + entry.offset, base + entry.offset + entry.size);
  };
  const forward = summary.execution_plans.find((plan) => plan.name === 'forward')!;
  const payloads = forward.delegates.map((delegate) => {
    if (delegate.location !== 'SEGMENT') throw new Error(`inline delegate data is not expected in ${variant}`);
    return segment(delegate.data_index);
  });
  const namedData = new Map(summary.named_data.map((entry) => [entry.key, segment(entry.segment_index)]));
  return { pte, payloads, namedData };
}
