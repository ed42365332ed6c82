/**
 * Renders a `PteSummary` as a few lines of plain text for a terminal: the file layout, then per
 * method its I/O, instruction mix, delegates, arenas and busiest operators, then the constant
 * methods' values and the named data. `--json` and `--html` carry the full detail.
 */

import { formatBytes } from './format-bytes.js';
import type { MethodSummary, PteSummary, ValueSummary } from './summary.js';

function describeValue(value: ValueSummary): string {
  const name = value.name ? `${value.name} ` : '';
  if (value.type !== 'Tensor') return `${name}${value.type} ${JSON.stringify(value.value ?? null)}`;
  const dynamic = value.shapeDynamism ? ' (dynamic)' : '';
  return `${name}${value.scalarTypeName} [${(value.sizes ?? []).join(', ')}]${dynamic}`;
}

function countList(counts: Record<string, number>, limit: number): string {
  const entries = Object.entries(counts).sort(([, left], [, right]) => right - left);
  const shown = entries.slice(0, limit).map(([name, count]) => `${name} ×${count}`);
  return entries.length > limit ? `${shown.join(', ')}, … (${entries.length - limit} more)` : shown.join(', ');
}

function methodLines(method: MethodSummary): string[] {
  const kinds = Object.entries(method.instructionKinds)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  const backends: Record<string, number> = {};
  for (const delegate of method.delegates) backends[delegate.id] = (backends[delegate.id] ?? 0) + 1;
  const payloadBytes = method.delegates.reduce((total, delegate) => total + delegate.payloadSize, 0);
  const lines = [
    `${method.name}: ${method.valuesCount} values, ${method.instructionsCount} instructions${kinds ? ` (${kinds})` : ''}, ${method.operators.length} operators`,
    `  inputs:  ${method.inputs.map(describeValue).join('; ') || 'none'}`,
    `  outputs: ${method.outputs.map(describeValue).join('; ') || 'none'}`,
  ];
  if (method.delegates.length > 0) lines.push(`  delegates: ${countList(backends, 8)}, payloads ${formatBytes(payloadBytes)}`);
  if (method.arenas.length > 0) lines.push(`  arenas: ${method.arenas.map((arena) => `${arena.memoryId}: ${formatBytes(arena.size)} (lower bound ${formatBytes(arena.lowerBound)}${arena.lowerBound > 0 ? `, ${(arena.size / arena.lowerBound).toFixed(3)}×` : ''})`).join(', ')}`);
  if (Object.keys(method.kernelCallCounts).length > 0) lines.push(`  kernel calls: ${countList(method.kernelCallCounts, 6)}`);
  return lines;
}

/** A short plain-text description of the program, ending in a newline. */
export function renderInspectText(summary: PteSummary): string {
  const header = summary.extendedHeader;
  const layout = header
    ? `program ${formatBytes(summary.programSize)}, ${summary.segments.length} segments (${formatBytes(header.segmentDataSize)}) from byte ${header.segmentBaseOffset}`
    : `program ${formatBytes(summary.programSize)}, no segment data`;
  const lines = [
    `${summary.source ?? 'program'}: ${formatBytes(summary.fileSize)}, ${summary.fileIdentifier} version ${summary.programVersion}, ${layout}`,
    `bytes: ${summary.byteUsage.map((entry) => `${entry.category} ${formatBytes(entry.bytes)}`).join(', ')}`,
    '',
  ];
  for (const method of summary.methods.filter((entry) => entry.kind === 'method')) lines.push(...methodLines(method), '');
  const constants = summary.methods.filter((method) => method.kind === 'constant');
  if (constants.length > 0) lines.push(`constants: ${constants.map((method) => `${method.name} = ${JSON.stringify(method.constantValue ?? null)}`).join(', ')}`);
  if (summary.namedData.length > 0) {
    const total = summary.namedData.reduce((sum, entry) => sum + entry.size, 0);
    lines.push(`named data: ${summary.namedData.length} entries, ${formatBytes(total)}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
