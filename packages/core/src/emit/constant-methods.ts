/**
 * Constant methods (`get_max_seq_len`, `get_eos_ids`, …): execution plans with no instructions
 * that return literal values, which is how ExecuTorch's LLM runner reads model metadata.
 */

import type { MetadataValue } from '../ir/program.js';
import type { EValue, ExecutionPlan } from '../pte/model.js';

function evaluesOf(value: MetadataValue): EValue[] {
  if (typeof value === 'boolean') return [{ kind: 'Bool', value }];
  if (typeof value === 'string') return [{ kind: 'String', value }];
  if (typeof value === 'number') return Number.isInteger(value) ? [{ kind: 'Int', value: BigInt(value) }] : [{ kind: 'Double', value }];
  if (Array.isArray(value)) return value.flatMap((item) => evaluesOf(item));
  return [{ kind: 'Double', value: (value as { double: number }).double }];
}

/** One plan per metadata entry, in insertion order; `encodeOutput` gives each value's pytree string. */
export function emitConstantMethods(metadata: Readonly<Record<string, MetadataValue>>, encodeOutput: (value: MetadataValue) => string): ExecutionPlan[] {
  return Object.entries(metadata).map(([name, value]) => {
    const values = evaluesOf(value);
    return {
      name,
      containerMetaType: { encodedInpStr: '', encodedOutStr: encodeOutput(value) },
      values,
      inputs: [],
      outputs: values.map((_, i) => i),
      chains: [{ inputs: [], outputs: [], instructions: [], stacktrace: null }],
      operators: [],
      delegates: [],
      nonConstBufferSizes: [0],
      nonConstBufferDevice: null,
    };
  });
}
