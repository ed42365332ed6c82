/**
 * The XNNPACK payload format: graph objects, the bounds-checked reader and the writer.
 */

export * from './xnn-graph.js';
export * from './table-layouts.js';
export * from './graph-reader.js';
export * from './graph-writer.js';
export * from './payload.js';
