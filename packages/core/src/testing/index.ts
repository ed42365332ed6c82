/**
 * `@etch/core/testing`: the delegate conformance kit (with a small mock delegate that passes it,
 * as a worked example), and helpers for tests that read the reference data in `../shared`.
 */
export * from './conformance.js';
export * from './conformance-cases.js';
export * from './mock-delegate.js';
export * from './shared-data.js';
