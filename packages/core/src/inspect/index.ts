/**
 * Looking inside `.pte` files: a JSON-able summary (`inspectPte`) and a self-contained HTML
 * report with pictures of where the bytes and the arena memory go (`renderInspectHtml`).
 */

export * from './summary.js';
export { inspectPte, type InspectPteOptions } from './inspect-pte.js';
export { arenaLowerBounds } from './arena-lower-bound.js';
export { renderInspectHtml } from './render-inspect-html.js';
export { readPayloadHeader } from './payload-header.js';
export { renderInspectText } from './render-inspect-text.js';
