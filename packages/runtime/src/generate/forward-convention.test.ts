import { ScalarType, Tensor } from '@etch/core';
import { describe, expect, it } from 'vitest';
import type { MethodMeta, TensorInfo } from '../module/method-meta.js';
import { forwardConvention } from './forward-convention.js';
import type { GenerationSettings } from './generation-settings.js';

function info(dtype: ScalarType, sizes: number[], dynamism: TensorInfo['dynamism']): TensorInfo {
  return { kind: 'tensor', dtype, dtypeName: '', sizes, dimOrder: sizes.map((_, i) => i), dynamism, memoryPlanned: false, nbytes: 0 };
}

function meta(inputs: TensorInfo[], logits: TensorInfo): MethodMeta {
  return { name: 'forward', inputs, outputs: [logits], plannedBufferSizes: [], operators: [], backends: [], instructionCount: 0 };
}

const settings: GenerationSettings = { maxSeqLen: 128, maxContextLen: 128, eosIds: [2], bosId: 1, dynamicShape: undefined, useKvCache: undefined };

describe('forwardConvention', () => {
  it('Hugging Face style: dynamic input_ids [1, seq] and cache_position [seq]', () => {
    const convention = forwardConvention(
      meta([info(ScalarType.LONG, [1, 127], 'dynamic-bound'), info(ScalarType.LONG, [127], 'dynamic-bound')], info(ScalarType.FLOAT, [1, 127, 8], 'dynamic-bound')),
      settings,
    );
    expect(convention.maxTokensPerCall).toBe(127);
    const [ids, positions] = convention.inputs([5, 6, 7], 10);
    expect(ids!.shape).toEqual([1, 3]);
    expect(Array.from(positions!.data as BigInt64Array)).toEqual([10n, 11n, 12n]);
  });

  it('llama style: static tokens [1, 1] and input_pos [1], int32 on Arm exports', () => {
    const convention = forwardConvention(
      meta([info(ScalarType.INT, [1, 1], 'static'), info(ScalarType.INT, [1], 'static')], info(ScalarType.FLOAT, [1, 8], 'static')),
      settings,
    );
    expect(convention.maxTokensPerCall).toBe(1);
    const [ids, positions] = convention.inputs([42], 9);
    expect(ids!.data).toEqual(Int32Array.of(42));
    expect(positions!.shape).toEqual([1]);
    expect(positions!.data).toEqual(Int32Array.of(9));
  });

  it('a dynamic input that the metadata says not to use dynamically takes one token per call', () => {
    const convention = forwardConvention(
      meta([info(ScalarType.LONG, [1, 64], 'dynamic-bound'), info(ScalarType.LONG, [1], 'static')], info(ScalarType.FLOAT, [1, 8], 'static')),
      { ...settings, dynamicShape: false },
    );
    expect(convention.maxTokensPerCall).toBe(1);
  });

  it('takes the last logits row, converting float16 and bfloat16', () => {
    const convention = forwardConvention(
      meta([info(ScalarType.LONG, [1, 4], 'dynamic-bound'), info(ScalarType.LONG, [4], 'dynamic-bound')], info(ScalarType.FLOAT, [1, 4, 3], 'dynamic-bound')),
      settings,
    );
    const row = new Float32Array(3);
    convention.lastRow(Tensor.fromArray(ScalarType.FLOAT, [1, 2, 3], Float32Array.of(1, 2, 3, 4, 5, 6)), row);
    expect(Array.from(row)).toEqual([4, 5, 6]);
    // float16 1.0, -2.0, 0.5; bfloat16 1.0, -2.0, 0.5
    convention.lastRow(Tensor.fromArray(ScalarType.HALF, [1, 1, 3], Uint16Array.of(0x3c00, 0xc000, 0x3800)), row);
    expect(Array.from(row)).toEqual([1, -2, 0.5]);
    convention.lastRow(Tensor.fromArray(ScalarType.BFLOAT16, [1, 1, 3], Uint16Array.of(0x3f80, 0xc000, 0x3f00)), row);
    expect(Array.from(row)).toEqual([1, -2, 0.5]);
  });

  it('rejects forwards that are not causal LMs', () => {
    expect(() => forwardConvention(meta([info(ScalarType.FLOAT, [1, 1], 'static')], info(ScalarType.FLOAT, [1, 8], 'static')), settings)).toThrow(/int64 or int32/);
    expect(() =>
      forwardConvention(meta([info(ScalarType.LONG, [1, 4], 'static'), info(ScalarType.LONG, [1], 'static')], info(ScalarType.FLOAT, [1, 8], 'static')), settings),
    ).toThrow(/static token ids/);
  });
});
