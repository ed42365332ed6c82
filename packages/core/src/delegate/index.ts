export * from './backend-id.js';
export * from './definition.js';
export * from './runtime-backend.js';
export * from './lowered.js';
export * from './group-partitions.js';
export * from './subgraph.js';
export * from './apply-delegate.js';
