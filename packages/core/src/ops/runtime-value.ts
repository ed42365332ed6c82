/**
 * Values kernels see at run time. The reference evaluator and the `.pte` runtime both turn their
 * own value representations into these, so one kernel implementation serves both.
 */

import type { Tensor } from '../kernels/tensor.js';

/** Int, SymInt, float, Scalar and ScalarType arguments all arrive as JS numbers. */
export type RuntimeValue = Tensor | number | boolean | string | null | readonly RuntimeValue[];
