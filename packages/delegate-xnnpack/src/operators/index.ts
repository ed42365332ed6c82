/**
 * Every operator the XNNPACK delegate takes, one entry each.
 */

import { elementwiseOperators } from './elementwise.js';
import { layoutOperators } from './layout.js';
import { linearOperators } from './linear.js';
import { matmulOperators } from './matmul.js';
import { meanOperators } from './mean.js';
import type { XnnpackOperator } from './operator.js';
import { softmaxOperators } from './softmax.js';

export type { Support, XnnpackOperator } from './operator.js';

/** The operator table, keyed by graph operator. */
export function xnnpackOperators(): ReadonlyMap<string, XnnpackOperator> {
  return new Map([...linearOperators(), ...matmulOperators(), ...elementwiseOperators(), ...softmaxOperators(), ...layoutOperators(), ...meanOperators()].map((operator) => [operator.target, operator]));
}
