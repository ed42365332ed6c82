/**
 * `@etch/delegate-xnnpack/runtime`: the XNNPACK runtime backend for `@etch/runtime`.
 */

export { xnnpackRuntime, type XnnpackRuntimeOptions, type XnnpackHandle } from './xnnpack-runtime.js';
