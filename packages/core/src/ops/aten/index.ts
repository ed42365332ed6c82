/**
 * The `aten::` operators core defines: functional forms used by graph builders, and the out and
 * in-place variants ExecuTorch's portable kernel library registers.
 */

import type { OperatorDefinition } from '../definition.js';
import { arithmeticOperators } from './arithmetic.js';
import { atan2Operators } from './atan2.js';
import { attentionOperators } from './attention.js';
import { bitwiseOperators } from './bitwise.js';
import { comparisonOperators } from './comparison.js';
import { concatOperators } from './concat.js';
import { copyOperators } from './copy.js';
import { creationOperators } from './creation.js';
import { divisionOperators } from './division.js';
import { embeddingOperators } from './embedding.js';
import { expandOperators } from './expand.js';
import { extremaOperators } from './extrema.js';
import { indexingOperators } from './indexing.js';
import { layerNormOperators } from './layer-norm.js';
import { matmulOperators } from './matmul.js';
import { padOperators } from './pad.js';
import { permuteOperators } from './permute.js';
import { powerOperators } from './power.js';
import { reductionOperators } from './reduction.js';
import { reorderOperators } from './reorder.js';
import { reshapeOperators } from './reshape.js';
import { scatterOperators } from './scatter.js';
import { sliceOperators } from './slice.js';
import { softmaxOperators } from './softmax.js';
import { symbolicOperators } from './symbolic.js';
import { topkOperators } from './topk.js';
import { triangularOperators } from './triangular.js';
import { unaryOperators } from './unary.js';
import { viewAliasOperators } from './view-aliases.js';
import { whereOperators } from './where.js';

/** Every `aten::` operator core defines, with torch's view operators aliased to their copies. */
export function atenOperators(): OperatorDefinition[] {
  const operators = [
    ...arithmeticOperators(),
    ...atan2Operators(),
    ...attentionOperators(),
    ...bitwiseOperators(),
    ...comparisonOperators(),
    ...concatOperators(),
    ...copyOperators(),
    ...creationOperators(),
    ...divisionOperators(),
    ...embeddingOperators(),
    ...expandOperators(),
    ...extremaOperators(),
    ...indexingOperators(),
    ...layerNormOperators(),
    ...matmulOperators(),
    ...padOperators(),
    ...permuteOperators(),
    ...powerOperators(),
    ...reductionOperators(),
    ...reorderOperators(),
    ...reshapeOperators(),
    ...scatterOperators(),
    ...sliceOperators(),
    ...softmaxOperators(),
    ...symbolicOperators(),
    ...topkOperators(),
    ...triangularOperators(),
    ...unaryOperators(),
    ...whereOperators(),
  ];
  return [...operators, ...viewAliasOperators(operators)];
}
