/**
 * Constant methods (`get_max_seq_len`, `get_eos_ids`, `use_kv_cache`, …) are plans without inputs
 * or instructions whose outputs are the constants themselves. Reading them gives a record of the
 * program's metadata. A getter that returns a list keeps being a list even with one element,
 * which only the output pytree string (`container_meta_type.encoded_out_str`) tells.
 */

import type { ExecutionPlan, RuntimeValue } from '@etch/core';

/** A metadata value: a scalar, a string, a constant tensor, or a list of them. */
export type MetadataValue = RuntimeValue;

/** Whether a plan is a constant getter. */
export function isConstantMethod(plan: ExecutionPlan): boolean {
  return plan.inputs.length === 0 && plan.chains.every((chain) => chain.instructions.length === 0);
}

/**
 * Whether the output pytree is a list or tuple: `[1, {"type": "builtins.list", …}]` (torch JSON)
 * or `L1#1($)` / `T2#…` (ExecuTorch's pytree strings).
 */
export function outputIsSequence(plan: ExecutionPlan): boolean {
  const encoded = plan.containerMetaType?.encodedOutStr.trim() ?? '';
  if (encoded.startsWith('[')) {
    try {
      const parsed = JSON.parse(encoded) as [number, { type?: string | null }];
      const type = parsed[1]?.type;
      return type === 'builtins.list' || type === 'builtins.tuple';
    } catch {
      return false;
    }
  }
  return encoded.startsWith('L') || encoded.startsWith('T');
}

/** The getter's value from its outputs. */
export function metadataValue(plan: ExecutionPlan, outputs: readonly RuntimeValue[]): MetadataValue {
  if (outputs.length === 1 && !outputIsSequence(plan)) return outputs[0]!;
  return [...outputs];
}
