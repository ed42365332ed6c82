/**
 * Test support: runs an exported forward program call by call in core's reference evaluator,
 * carrying the KV cache between calls, and reads golden tensors.
 */

import { type ExportedProgram, type OperatorRegistry, ProgramState, ScalarType, Tensor, coreOperators, createOperatorRegistry, evaluateProgram } from '@etch/core';
import { readFileSync } from 'node:fs';

export const testRegistry: OperatorRegistry = createOperatorRegistry(coreOperators());

export class ProgramRunner {
  readonly state: ProgramState;

  constructor(
    readonly program: ExportedProgram,
    private readonly registry: OperatorRegistry = testRegistry,
  ) {
    this.state = new ProgramState(program);
  }

  /** Feeds `ids` at positions `start…`; returns the logits, [ids.length (or 1), vocab] flattened. */
  forward(ids: readonly number[], start: number): Float32Array {
    const inputIds = Tensor.fromArray(ScalarType.LONG, [1, ids.length], BigInt64Array.from(ids, (id) => BigInt(id)));
    const positions = Tensor.fromArray(ScalarType.LONG, [ids.length], BigInt64Array.from(ids, (_, i) => BigInt(start + i)));
    const [logits] = evaluateProgram(this.program, [inputIds, positions], { registry: this.registry, state: this.state });
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

/**
 * The golden tensors of `../shared/golden/<arch>/golden.safetensors` (see golden/README.md): ids
 * are int64 and logits float32, which the checkpoint reader (float weights only) does not load.
 */
export function readGolden(file: string) {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const raw = (name: string) => {
    const entry = header[name];
    if (!entry) throw new Error(`${file} has no tensor '${name}'`);
    const [begin, end] = entry.data_offsets;
    return { dtype: entry.dtype, data: bytes.buffer.slice(bytes.byteOffset + 8 + headerLength + begin, bytes.byteOffset + 8 + headerLength + end) };
  };
  const ids = (name: string) => Array.from(new BigInt64Array(raw(name).data), Number);
  const floats = (name: string) => new Float32Array(raw(name).data);
  return {
    inputIds: ids('input_ids'),
    promptIds: ids('prompt_ids'),
    generatedIds: ids('generated_ids'),
    logits: floats('logits'),
    stepLogits: floats('step_logits'),
  };
}
