import { describe, expect, it } from 'vitest';
import { readVector, referenceVectors } from '../pte/vectors.test-support.js';
import { inspectPte } from './inspect-pte.js';
import { renderInspectText } from './render-inspect-text.js';

const vectors = referenceVectors();

describe('renderInspectText', () => {
  it.skipIf(vectors.length === 0)('describes a stories260K XNNPACK export in a few lines', () => {
    const vector = vectors.find((entry) => entry.name === 'xnnpack_q8_static.pte')!;
    const text = renderInspectText(inspectPte(readVector(vector), { source: 'xnnpack_q8_static.pte' }));
    expect(text.split('\n')[0]).toBe('xnnpack_q8_static.pte: 519.3 KiB, ET12 version 0, program 53.2 KiB, 103 segments (466.0 KiB) from byte 54528');
    expect(text).toContain('forward: 623 values, 187 instructions (157 KernelCall, 30 DelegateCall), 19 operators');
    expect(text).toContain('  inputs:  input_ids LONG [1, 1]; cache_position LONG [1]');
    expect(text).toContain('  delegates: XnnpackBackend ×30');
    expect(text).toContain('get_eos_ids = [2]');
    expect(text.endsWith('\n')).toBe(true);
  });

  it.skipIf(vectors.length === 0)('handles a file without segments', () => {
    const vector = vectors.find((entry) => entry.name === 'apple_add.pte')!;
    const text = renderInspectText(inspectPte(readVector(vector)));
    expect(text).toContain('program: 728 B, ET12 version 0, program 728 B, no segment data');
    expect(text).toContain('  kernel calls: aten::add.out ×1');
    expect(text).not.toContain('constants:');
  });
});
