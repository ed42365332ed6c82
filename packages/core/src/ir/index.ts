export * from './argument.js';
export * from './builder.js';
export * from './graph.js';
export * from './meta.js';
export * from './normalize.js';
export * from './program.js';
export * from './sym.js';
