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

export interface XnnpackOptions {
  /** Graph operators never to delegate (`aten::softmax.int`, …). */
  exclude: string[];
}

const optionsSchema = z.object({ exclude: z.array(z.string()).default([]) });

/** The XNNPACK delegate definition. */
export function xnnpack(): DelegateDefinition<XnnpackOptions> {
  const operators = xnnpackOperators();
  return defineDelegate<XnnpackOptions>({
    specificationVersion: 'v1',
    backendId: XNNPACK_BACKEND_ID,
    optionsSchema,
    ioMemory: 'planned',
    partition: ({ program, options }) => partitionForXnnpack(program, operators, options),
    lower: (subgraph) => lowerSubgraph(subgraph, operators),
  });
}
