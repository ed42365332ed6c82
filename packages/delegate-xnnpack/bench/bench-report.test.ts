import { describe, expect, it } from 'vitest';
import { decodePlotSvg } from './bench-plot.js';
import { type BenchReport, formatBenchTable } from './bench-report.js';

const report: BenchReport = {
  startedAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 1,
  machine: { cpu: 'test', cores: 2, node: 'v20', wasmSimd: true },
  bandwidthBytesPerSecond: 30e9,
  promptTokens: { m: 64 },
  decodeTokens: { m: 32 },
  threads: 1,
  rows: [
    { model: 'm', runtime: 'llama.cpp', configuration: 'Q8_0', engine: '1 thread', weightBytesPerToken: 150e6, prefillTokensPerSecond: 500, decodeTokensPerSecond: 100, boundTokensPerSecond: 110 },
    { model: 'm', runtime: 'etch', configuration: 'xnnpack_q8', comparedWith: 'Q8_0', engine: 'pte', weightBytesPerToken: 1e6, decodeTokensPerSecond: 50, boundTokensPerSecond: 30000, decodeVersusLlamaCpp: 0.5 },
    { model: 'm', runtime: 'etch', configuration: 'portable', engine: 'pte', weightBytesPerToken: 1e6, boundTokensPerSecond: 30000, error: 'failed' },
  ],
};

describe('benchmark report', () => {
  it('formats one aligned line per row with ratios and errors', () => {
    const lines = formatBenchTable(report);
    expect(lines).toHaveLength(3 + report.rows.length);
    expect(new Set(lines.slice(1).map((line) => line.length)).size).toBe(1);
    expect(lines[4]).toContain('xnnpack_q8 (vs Q8_0)');
    expect(lines[4]).toContain('0.50×');
    expect(lines[5]).toContain('error: failed');
  });

  it('draws bars proportional to decode tokens/s and writes off-scale bounds as text', () => {
    const svg = decodePlotSvg(report);
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toHaveLength(3);
    expect(widths[0]! / widths[1]!).toBeCloseTo(2, 2);
    expect(widths[2]).toBe(0);
    expect(svg).toContain('bound 30000');
    expect(svg).not.toContain('bound 110<');
  });
});
