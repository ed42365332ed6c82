/**
 * `@etch/core/testing`: the delegate conformance kit. Filled in with the delegate interface.
 */
export {};
