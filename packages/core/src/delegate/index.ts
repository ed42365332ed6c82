export * from './backend-id.js';
export * from './definition.js';
export * from './runtime-backend.js';
export * from './lowered.js';
