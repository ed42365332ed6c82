/**
 * Draws the benchmark's decode tokens/s as an SVG bar chart: one panel per model, one bar per
 * row, and the memory-bandwidth bound of each row as a tick.
 */

import type { BenchReport } from './bench-report.js';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** SVG source of the decode chart. */
export function decodePlotSvg(report: BenchReport): string {
  const models = [...new Set(report.rows.map((row) => row.model))];
  const barHeight = 18;
  const labelWidth = 260;
  const plotWidth = 520;
  const elements: string[] = [];
  let y = 30;
  elements.push(`<text x="10" y="20" font-size="14" font-weight="bold">Decode tokens/s (1 thread; tick = memory-bandwidth bound at ${(report.bandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s)</text>`);
  for (const model of models) {
    const rows = report.rows.filter((row) => row.model === model);
    // Scaled to the fastest measurement; a bound beyond the axis is written at its end instead.
    const scale = Math.max(...rows.map((row) => row.decodeTokensPerSecond ?? 0), 1) * 1.15;
    y += 20;
    elements.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${escapeXml(model)}</text>`);
    y += 8;
    for (const row of rows) {
      const value = row.decodeTokensPerSecond ?? 0;
      const width = (value / scale) * plotWidth;
      const bound = (Math.min(row.boundTokensPerSecond, scale) / scale) * plotWidth;
      const color = row.runtime === 'etch' ? '#3b6fb6' : row.runtime === 'etch-kernels' ? '#8fb3e0' : '#d08a2e';
      elements.push(`<text x="10" y="${y + 13}" font-size="11">${escapeXml(`${row.runtime} ${row.configuration}`)}</text>`);
      elements.push(`<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight - 4}" fill="${color}"/>`);
      elements.push(`<line x1="${(labelWidth + bound).toFixed(1)}" x2="${(labelWidth + bound).toFixed(1)}" y1="${y - 2}" y2="${y + barHeight - 2}" stroke="#000" stroke-width="2"/>`);
      if (row.boundTokensPerSecond > scale) elements.push(`<text x="${labelWidth + plotWidth + 4}" y="${y + 12}" font-size="10">bound ${row.boundTokensPerSecond.toFixed(0)}</text>`);
      elements.push(`<text x="${(labelWidth + width + 4).toFixed(1)}" y="${y + 12}" font-size="11">${row.error ? 'error' : value.toFixed(1)}</text>`);
      y += barHeight;
    }
  }
  const height = y + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 100}" height="${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${elements.join('\n')}\n</svg>\n`;
}
