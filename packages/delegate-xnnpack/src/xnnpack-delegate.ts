/**
 * The ahead-of-time half of the XNNPACK delegate: `xnnpack()` is the delegate definition
 * (backend id `XnnpackBackend`), to pass to `toExecutorch` in a recipe.
 */

import { type DelegateDefinition, defineDelegate } from '@etch/core';
import { z } from 'zod';
import { lowerSubgraph } from './lower/lower-subgraph.js';
import { xnnpackOperators } from './operators/index.js';
import { partitionForXnnpack } from './partition/partitioner.js';
import { XNNPACK_BACKEND_ID } from './runtime/compiled-graph.js';

/** Options of the XNNPACK delegate (per `DelegateUse`, defaulted by `xnnpack(defaults)`). */
export interface XnnpackOptions {
  /** Graph operators never to delegate (`aten::_softmax`, …); they run on portable kernels. */
  exclude: string[];
}

/**
 * The XNNPACK delegate definition. `defaults` become the options of every use that does not set
 * its own (`{ delegate: xnnpack({ exclude: ['aten::_softmax'] }) }`).
 */
export function xnnpack(defaults: Partial<XnnpackOptions> = {}): DelegateDefinition<XnnpackOptions> {
  const operators = xnnpackOperators();
  return defineDelegate<XnnpackOptions>({
    specificationVersion: 'v1',
    backendId: XNNPACK_BACKEND_ID,
    optionsSchema: z.object({ exclude: z.array(z.string()).default(defaults.exclude ?? []) }),
    ioMemory: 'planned',
    // Taken whole: linears (fp32 and the quantized patterns) and the activations XNNPACK has
    // natively. Attention and the rest arrive decomposed, so their matmuls and softmax are taken.
    preservedOperators: ['aten::linear', 'aten::silu', 'aten::softmax.int'],
    partition: ({ program, options }) => partitionForXnnpack(program, operators, options),
    lower: (subgraph) => lowerSubgraph(subgraph, operators),
  });
}
