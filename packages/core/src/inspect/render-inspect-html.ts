/**
 * Renders a `PteSummary` as one self-contained HTML page (inline CSS and SVG, no scripts, no
 * external resources): where the file's bytes go, a map of the file, each method's operators,
 * I/O, delegates and a picture of its memory arenas, the constant methods' values, segments
 * and named data. Everything taken from the file is HTML-escaped.
 */

import { formatBytes } from './format-bytes.js';
import type { ArenaSummary, DelegateSummary, MethodSummary, PteSummary, SummaryValue, ValueSummary } from './summary.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** One colour per kind of content, shared by the byte-usage bar and the file map. */
const ROLE_COLORS: Record<string, string> = {
  program: PALETTE[0]!,
  constant: PALETTE[2]!,
  'mutable-data': PALETTE[5]!,
  delegate: PALETTE[1]!,
  'named-data': PALETTE[4]!,
  unreferenced: PALETTE[3]!,
};

function categoryColor(category: string): string {
  if (category.startsWith('program')) return ROLE_COLORS.program!;
  if (category.startsWith('constant')) return ROLE_COLORS.constant!;
  if (category.startsWith('mutable')) return ROLE_COLORS['mutable-data']!;
  if (category.includes('delegate')) return ROLE_COLORS.delegate!;
  if (category.startsWith('named')) return ROLE_COLORS['named-data']!;
  if (category.startsWith('unreferenced')) return ROLE_COLORS.unreferenced!;
  if (category.startsWith('extended')) return PALETTE[6]!;
  return PALETTE[9]!;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A stacked bar of the byte usage with a legend. */
function byteUsagePicture(summary: PteSummary): string {
  const width = 900;
  let x = 0;
  const total = Math.max(1, summary.fileSize);
  const rects = summary.byteUsage
    .map((entry) => {
      const w = (entry.bytes / total) * width;
      const rect = `<rect x="${x.toFixed(2)}" y="0" width="${Math.max(w, 0.5).toFixed(2)}" height="36" fill="${categoryColor(entry.category)}"><title>${escapeHtml(entry.category)}: ${formatBytes(entry.bytes)}</title></rect>`;
      x += w;
      return rect;
    })
    .join('');
  const legend = summary.byteUsage
    .map(
      (entry) =>
        `<li><span class="swatch" style="background:${categoryColor(entry.category)}"></span>${escapeHtml(entry.category)}: ${formatBytes(entry.bytes)} (${((entry.bytes / total) * 100).toFixed(1)}%)</li>`,
    )
    .join('');
  return `<svg class="bar" viewBox="0 0 ${width} 36" width="${width}" height="36" role="img" aria-label="byte usage">${rects}</svg><ul class="legend">${legend}</ul>`;
}

/** The file as a strip: the program, then every segment at its offset, coloured by role. */
function fileMapPicture(summary: PteSummary): string {
  const width = 900;
  const scale = width / Math.max(1, summary.fileSize);
  const program = `<rect x="0" y="0" width="${Math.max(1, summary.programSize * scale).toFixed(2)}" height="28" fill="${ROLE_COLORS.program}"><title>program flatbuffer: bytes 0–${summary.programSize}</title></rect>`;
  const segments = summary.segments
    .filter((segment) => segment.size > 0)
    .map(
      (segment) =>
        `<rect x="${(segment.fileOffset * scale).toFixed(2)}" y="0" width="${Math.max(0.5, segment.size * scale).toFixed(2)}" height="28" fill="${ROLE_COLORS[segment.roles[0]!] ?? PALETTE[9]}" stroke="#fff" stroke-width="0.3"><title>segment ${segment.index} (${escapeHtml(segment.roles.join(', '))}) at ${segment.fileOffset}, ${formatBytes(segment.size)}: ${escapeHtml(segment.usedBy.join('; '))}</title></rect>`,
    )
    .join('');
  const legend = Object.entries(ROLE_COLORS)
    .map(([role, color]) => `<li><span class="swatch" style="background:${color}"></span>${escapeHtml(role)}</li>`)
    .join('');
  return `<svg class="bar" viewBox="0 0 ${width} 28" width="${width}" height="28" role="img" aria-label="file map">${program}${segments}</svg><ul class="legend">${legend}</ul>`;
}

/** One arena: tensors as translucent blocks at their offsets, so reused bytes show darker. */
function arenaPicture(arena: ArenaSummary): string {
  const width = 900;
  const scale = width / Math.max(1, arena.size);
  const blocks = arena.tensors
    .map(
      (tensor) =>
        `<rect x="${(tensor.offset * scale).toFixed(2)}" y="4" width="${Math.max(0.5, tensor.bytes * scale).toFixed(2)}" height="24" fill="${PALETTE[0]}" fill-opacity="0.25"><title>value ${tensor.valueIndex}: offset ${tensor.offset}, ${formatBytes(tensor.bytes)}</title></rect>`,
    )
    .join('');
  const caption = `arena ${arena.memoryId}: ${formatBytes(arena.size)}, ${arena.tensors.length} tensors, ${formatBytes(arena.usedBytes)} covered`;
  return `<figure><svg class="bar" viewBox="0 0 ${width} 32" width="${width}" height="32" role="img" aria-label="${escapeHtml(caption)}"><rect x="0" y="4" width="${width}" height="24" fill="#eee"/>${blocks}</svg><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function describeValue(value: ValueSummary): string {
  if (value.type !== 'Tensor') return `${value.type} ${escapeHtml(JSON.stringify(value.value ?? null))}`;
  const planned = value.allocationInfo ? `arena ${value.allocationInfo.memoryId} @ ${value.allocationInfo.memoryOffset}` : 'not planned';
  const dynamic = value.shapeDynamism ? ' (dynamic, upper bound)' : '';
  return `${escapeHtml(value.scalarTypeName ?? '')} [${(value.sizes ?? []).join(', ')}]${dynamic}, ${escapeHtml(planned)}`;
}

function ioTable(title: string, values: readonly ValueSummary[]): string {
  return `<h4>${title}</h4>${table(
    ['#', 'name', 'value', 'description'],
    values.map((value, index) => [String(index), escapeHtml(value.name ?? ''), String(value.valueIndex), describeValue(value)]),
  )}`;
}

function operatorPicture(method: MethodSummary): string {
  const entries = Object.entries(method.kernelCallCounts).sort(([, left], [, right]) => right - left);
  if (entries.length === 0) return '';
  const maximum = Math.max(...entries.map(([, count]) => count));
  const rowHeight = 18;
  const rows = entries
    .map(([name, count], index) => {
      const y = index * rowHeight;
      const w = (count / maximum) * 500;
      return `<text x="0" y="${y + 13}" font-size="12">${escapeHtml(name)}</text><rect x="330" y="${y + 3}" width="${w.toFixed(1)}" height="12" fill="${PALETTE[0]}"/><text x="${(336 + w).toFixed(1)}" y="${y + 13}" font-size="11">${count}</text>`;
    })
    .join('');
  return `<svg viewBox="0 0 900 ${entries.length * rowHeight}" width="900" height="${entries.length * rowHeight}" role="img" aria-label="kernel calls per operator">${rows}</svg>`;
}

/** `XH00: XN01 flatbuffer 368 B + 0 B constants`, or just the magic when there is no known header. */
function payloadContents(delegate: DelegateSummary): string {
  const header = delegate.payloadHeader;
  if (!header) return delegate.payloadMagic ?? '';
  return `${header.magic}: ${header.flatbufferIdentifier} flatbuffer ${formatBytes(header.flatbufferSize)} + ${formatBytes(header.constantDataSize)} constants`;
}

function methodSection(method: MethodSummary): string {
  const kinds = Object.entries(method.instructionKinds)
    .map(([kind, count]) => `${count} ${escapeHtml(kind)}`)
    .join(', ');
  const delegates = table(
    ['#', 'backend', 'payload', 'size', 'contents', 'calls', 'compile specs'],
    method.delegates.map((delegate) => [
      String(delegate.index),
      escapeHtml(delegate.id),
      `${delegate.location} ${delegate.dataIndex} @ ${delegate.payloadFileOffset}`,
      formatBytes(delegate.payloadSize),
      escapeHtml(payloadContents(delegate)),
      String(delegate.calls),
      escapeHtml(delegate.compileSpecs.map((spec) => `${spec.key} (${spec.size} B)`).join(', ')),
    ]),
  );
  return `<section><h3>${escapeHtml(method.name)}</h3>
<p>${method.valuesCount} values, ${method.chainsCount} chain(s), ${method.instructionsCount} instructions${kinds ? ` (${kinds})` : ''}, ${method.operators.length} operators, ${method.delegates.length} delegates.</p>
${ioTable('Inputs', method.inputs)}
${ioTable('Outputs', method.outputs)}
<h4>Kernel calls per operator</h4>${operatorPicture(method) || '<p class="muted">none</p>'}
<h4>Delegates</h4>${delegates}
<h4>Memory arenas</h4>${method.arenas.length ? method.arenas.map(arenaPicture).join('\n') : '<p class="muted">none</p>'}
</section>`;
}

/** `54 × XnnpackBackend`, one entry per backend. */
function delegateCounts(method: MethodSummary): string {
  const counts = new Map<string, number>();
  for (const delegate of method.delegates) counts.set(delegate.id, (counts.get(delegate.id) ?? 0) + 1);
  return [...counts].map(([id, count]) => `${count} × ${id}`).join(', ');
}

function formatValue(value: SummaryValue | undefined): string {
  return escapeHtml(JSON.stringify(value ?? null));
}

/** A complete HTML document describing the program; safe to open from disk. */
export function renderInspectHtml(summary: PteSummary): string {
  const title = summary.source ?? 'program.pte';
  const methods = summary.methods.filter((method) => method.kind === 'method');
  const constants = summary.methods.filter((method) => method.kind === 'constant');
  const header = summary.extendedHeader
    ? `extended header: program ${formatBytes(summary.extendedHeader.programSize)}, segments at ${summary.extendedHeader.segmentBaseOffset} (${formatBytes(summary.extendedHeader.segmentDataSize)})`
    : 'no extended header (no segment data)';
  const overview = table(
    ['method', 'instructions', 'operators', 'delegates', 'arenas'],
    methods.map((method) => [
      `<a href="#m-${escapeHtml(method.name)}">${escapeHtml(method.name)}</a>`,
      String(method.instructionsCount),
      String(method.operators.length),
      escapeHtml(delegateCounts(method)),
      escapeHtml(method.nonConstBufferSizes.slice(1).map(formatBytes).join(' + ')),
    ]),
  );
  const segments = table(
    ['#', 'file offset', 'size', 'holds', 'used by'],
    summary.segments.map((segment) => [String(segment.index), String(segment.fileOffset), formatBytes(segment.size), escapeHtml(segment.roles.join(', ')), escapeHtml(segment.usedBy.join('; '))]),
  );
  const named = table(
    ['key', 'segment', 'size'],
    summary.namedData.map((entry) => [`<code>${escapeHtml(entry.key)}</code>`, String(entry.segmentIndex), formatBytes(entry.size)]),
  );
  const constantRows = table(
    ['method', 'value'],
    constants.map((method) => [escapeHtml(method.name), `<code>${formatValue(method.constantValue)}</code>`]),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} — etch inspect</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } .muted { color: #888; } svg.bar { display: block; margin: .5em 0; max-width: 100%; height: auto; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3em 1.2em; } .swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -1px; }
figure { margin: .5em 0; } figcaption { color: #555; font-size: 12px; } code { font-size: 12px; word-break: break-all; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${formatBytes(summary.fileSize)}, identifier ${escapeHtml(summary.fileIdentifier)}, version ${summary.programVersion}; ${escapeHtml(header)}.</p>
<h2>Where the bytes go</h2>
${byteUsagePicture(summary)}
<h3>File map</h3>
${fileMapPicture(summary)}
<h2>Methods</h2>
${overview}
${methods.map((method) => `<div id="m-${escapeHtml(method.name)}">${methodSection(method)}</div>`).join('\n')}
<h2>Constant methods</h2>
${constantRows}
<h2>Segments</h2>
${segments}
<h2>Named data</h2>
${named}
</body>
</html>
`;
}
