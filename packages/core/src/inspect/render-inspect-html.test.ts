import { describe, expect, it } from 'vitest';
import { readVector, referenceVectors } from '../pte/vectors.test-support.js';
import { inspectPte } from './inspect-pte.js';
import { renderInspectHtml } from './render-inspect-html.js';
import type { PteSummary } from './summary.js';

const xnnpack = referenceVectors().find((vector) => vector.name === 'xnnpack_static.pte');

describe('renderInspectHtml', () => {
  it.skipIf(!xnnpack)('draws the byte usage, the file map and every arena of a real export', () => {
    const summary = inspectPte(readVector(xnnpack!), { source: 'xnnpack_static.pte' });
    const html = renderInspectHtml(summary);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('aria-label="byte usage"');
    expect(html).toContain('aria-label="file map"');
    expect(html).toContain('delegate payloads (XnnpackBackend)');
    expect(html).toContain('arena 1: 425.1 KiB');
    expect(html.match(/<figure>/g)).toHaveLength(summary.methods.reduce((total, method) => total + (method.kind === 'method' ? method.arenas.length : 0), 0));
    expect(html).toContain('get_max_seq_len');
    expect(html).toContain('XH00: XN01 flatbuffer 368 B + 0 B constants');
    expect(html).not.toMatch(/<script|src=|href="http/);
  });

  it('escapes text taken from the file', () => {
    const summary: PteSummary = {
      source: '<evil>.pte',
      fileSize: 100,
      fileIdentifier: 'ET12',
      extendedHeader: null,
      programSize: 100,
      programVersion: 0,
      segments: [],
      constantSegment: null,
      constantBufferSizes: [],
      backendDelegateDataSizes: [],
      mutableDataSegments: [],
      namedData: [{ key: '"><script>alert(1)</script>', segmentIndex: 0, size: 1 }],
      methods: [
        {
          name: '<img src=x>',
          kind: 'constant',
          valuesCount: 1,
          chainsCount: 1,
          instructionsCount: 0,
          instructionKinds: {},
          operators: [],
          kernelCallCounts: {},
          inputs: [],
          outputs: [],
          delegates: [],
          nonConstBufferSizes: [0],
          arenas: [],
          containerMetaType: null,
          constantValue: '</code><script>',
        },
      ],
      byteUsage: [{ category: 'program (flatbuffer)', bytes: 100 }],
    };
    const html = renderInspectHtml(summary);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;evil&#62;.pte');
  });
});
