export * from './lifetimes.js';
export * from './memory-plan.js';
export * from './placement.js';
