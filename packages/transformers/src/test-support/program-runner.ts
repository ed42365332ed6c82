/**
 * Test support: runs an exported forward program call by call in core's reference evaluator,
 * carrying the KV cache between calls, and reads golden tensors.
 */

import { type ExportedProgram, type OperatorRegistry, ProgramState, ScalarType, Tensor, coreOperators, createOperatorRegistry, evaluateProgram } from '@etch/core';
import { SafetensorsFile } from '../weights/safetensors-file.js';

export const testRegistry: OperatorRegistry = createOperatorRegistry(coreOperators());

export class ProgramRunner {
  readonly state: ProgramState;

  constructor(readonly program: ExportedProgram) {
    this.state = new ProgramState(program);
  }

  /** Feeds `ids` at positions `start…`; returns the logits, [ids.length (or 1), vocab] flattened. */
  forward(ids: readonly number[], start: number): Float32Array {
    const inputIds = Tensor.fromArray(ScalarType.LONG, [1, ids.length], BigInt64Array.from(ids, (id) => BigInt(id)));
    const positions = Tensor.fromArray(ScalarType.LONG, [ids.length], BigInt64Array.from(ids, (_, i) => BigInt(start + i)));
    const [logits] = evaluateProgram(this.program, [inputIds, positions], { registry: testRegistry, state: this.state });
    return (logits as Tensor).data as Float32Array;
  }

  reset(): void {
    this.state.reset();
  }
}

export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = offset;
  for (let i = offset + 1; i < offset + length; i++) if (values[i]! > values[best]!) best = i;
  return best - offset;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>, bOffset = 0, length = a.length): number {
  let worst = 0;
  for (let i = 0; i < length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[bOffset + i]!));
  return worst;
}

/** The golden tensors of `../shared/golden/<arch>/golden.safetensors` as numbers. */
export function readGolden(file: string) {
  const golden = SafetensorsFile.open(file);
  const ids = (name: string) => Array.from(golden.get(name).data as BigInt64Array, Number);
  return {
    inputIds: ids('input_ids'),
    promptIds: ids('prompt_ids'),
    generatedIds: ids('generated_ids'),
    logits: golden.get('logits').data as Float32Array,
    stepLogits: golden.get('step_logits').data as Float32Array,
  };
}
