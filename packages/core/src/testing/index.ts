/**
 * `@etch/core/testing`: the delegate conformance kit and helpers for tests that read the
 * reference data in `../shared`.
 */
export * from './shared-data.js';
