import { type RuntimeBackend, type RuntimeValue, ScalarType, Tensor, defineRuntimeBackend } from '@etch/core';
import { describe, expect, it, vi } from 'vitest';
import { boolValue, intValue, plan, program, tensorValue } from '../../test/program-builder.js';
import { BackendUnavailableError } from '../errors.js';
import { Module } from './module.js';

const floats = (values: number[]) => Tensor.fromArray(ScalarType.FLOAT, [values.length], Float32Array.from(values));

function floatValues(value: RuntimeValue | undefined): number[] {
  if (!(value instanceof Tensor) || !(value.data instanceof Float32Array)) throw new Error('expected a float32 tensor');
  return Array.from(value.data);
}

const add = { name: 'aten::add', overload: 'out' };
const mul = { name: 'aten::mul', overload: 'out' };

describe('interpreter control flow', () => {
  // y = x·x; if the condition holds, y += x; z = y by a MoveCall.
  // values: 0 x (input), 1 y, 2 condition, 3 alpha, 4 z, 5 bool tensor condition (input)
  function controlFlowProgram(condition: number) {
    return program([
      plan({
        values: [
          tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 0 }),
          tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 16 }),
          boolValue(false),
          intValue(1),
          tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 32 }),
          tensorValue(ScalarType.BOOL, [2], { memoryOffset: 48 }),
        ],
        inputs: [0, 5],
        outputs: [4],
        operators: [add, mul],
        plannedBytes: [64],
        instructions: [
          { kind: 'KernelCall', opIndex: 1, args: [0, 0, 1, 1] },
          { kind: 'JumpFalseCall', condValueIndex: condition, destinationInstruction: 3 },
          { kind: 'KernelCall', opIndex: 0, args: [1, 0, 3, 1, 1] },
          { kind: 'FreeCall', valueIndex: 0 },
          { kind: 'MoveCall', moveFrom: 1, moveTo: 4 },
        ],
      }),
    ]);
  }
  const bools = (values: boolean[]) => Tensor.fromArray(ScalarType.BOOL, [values.length], Uint8Array.from(values, Number));

  it('JumpFalseCall on a false Bool skips to its destination; MoveCall aliases the value', async () => {
    const module = await Module.fromProgram(controlFlowProgram(2));
    expect(floatValues(module.forward([floats([3, -2]), bools([true, true])])[0])).toEqual([9, 4]);
  });

  it('a bool tensor condition falls through only when every element is true', async () => {
    const module = await Module.fromProgram(controlFlowProgram(5));
    const allTrue = module.forward([floats([3, -2]), bools([true, true])]);
    expect(floatValues(allTrue[0])).toEqual([12, 2]);
    const oneFalse = module.forward([floats([5, 1]), bools([true, false])]);
    expect(floatValues(oneFalse[0])).toEqual([25, 1]);
  });
});

describe('mutable buffers', () => {
  it('start from mutable_data_segments and keep their contents across calls', async () => {
    const initial = new Uint8Array(Float32Array.of(10, 20).buffer);
    const buffered = program(
      [
        plan({
          values: [
            tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 0 }),
            tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 16, dataBufferIdx: 1 }),
            intValue(1),
          ],
          inputs: [0],
          outputs: [1],
          operators: [add],
          plannedBytes: [32],
          instructions: [{ kind: 'KernelCall', opIndex: 0, args: [1, 0, 2, 1, 1] }],
        }),
      ],
      { segments: [{ offset: 0, size: 8, data: initial }], mutableDataSegments: [{ segmentIndex: 0, offsets: [0, 0] }] },
    );
    const module = await Module.fromProgram(buffered);
    expect(floatValues(module.forward([floats([1, 2])])[0])).toEqual([11, 22]);
    expect(floatValues(module.forward([floats([1, 2])])[0])).toEqual([12, 24]);
    expect(Array.from(new Float32Array(initial.buffer))).toEqual([10, 20]);
  });
});

describe('shared memory arenas', () => {
  // accumulate: shared += x; read: out = shared · x. The shared buffer is memory_id 2 in both.
  const twoMethods = program([
    plan({
      name: 'accumulate',
      values: [tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 0 }), tensorValue(ScalarType.FLOAT, [2], { memoryId: 2, memoryOffset: 0 }), intValue(1)],
      inputs: [0],
      outputs: [1],
      operators: [add],
      plannedBytes: [16, 16],
      instructions: [{ kind: 'KernelCall', opIndex: 0, args: [1, 0, 2, 1, 1] }],
    }),
    plan({
      name: 'read',
      values: [
        tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 0 }),
        tensorValue(ScalarType.FLOAT, [2], { memoryId: 2, memoryOffset: 0 }),
        tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 16 }),
      ],
      inputs: [0],
      outputs: [2],
      operators: [mul],
      plannedBytes: [32, 16],
      instructions: [{ kind: 'KernelCall', opIndex: 0, args: [1, 0, 2, 2] }],
    }),
  ]);

  it('share buffers from memory_id 2 on between methods when asked, like ExecuTorch', async () => {
    const shared = await Module.fromProgram(twoMethods, { shareMemoryArenas: true });
    shared.execute('accumulate', [floats([1, 2])]);
    shared.execute('accumulate', [floats([1, 2])]);
    expect(floatValues(shared.execute('read', [floats([10, 10])])[0])).toEqual([20, 40]);
    const separate = await Module.fromProgram(twoMethods);
    separate.execute('accumulate', [floats([1, 2])]);
    expect(floatValues(separate.execute('read', [floats([10, 10])])[0])).toEqual([0, 0]);
  });
});

describe('delegates', () => {
  const payload = new TextEncoder().encode('scale=3');
  // values: 0 x (input, unplanned), 1 y (delegate output, planned)
  const delegated = program(
    [
      plan({
        values: [tensorValue(ScalarType.FLOAT, [4], { dynamic: true }), tensorValue(ScalarType.FLOAT, [4], { dynamic: true, memoryOffset: 0 })],
        inputs: [0],
        outputs: [1],
        plannedBytes: [16],
        delegates: [{ id: 'TestScaleBackend', processed: { location: 0, index: 0 }, compileSpecs: [{ key: 'mode', value: Uint8Array.of(7) }] }],
        instructions: [{ kind: 'DelegateCall', delegateIndex: 0, args: [0, 1] }],
      }),
    ],
    { backendDelegateData: [payload], segments: [{ offset: 0, size: 2, data: Uint8Array.of(1, 2) }], namedData: [{ key: 'shared', segmentIndex: 0 }] },
  );

  function scaleBackend(overrides: Partial<RuntimeBackend<{ scale: number }>> = {}) {
    return defineRuntimeBackend<{ scale: number }>({
      specificationVersion: 'v1',
      backendId: 'TestScaleBackend',
      isAvailable: () => true,
      init: vi.fn((processed: Uint8Array) => ({ scale: Number(new TextDecoder().decode(processed).split('=')[1]) })),
      execute: vi.fn((handle: { scale: number }, args: RuntimeValue[]) => {
        const [input, output] = args as [Tensor, Tensor];
        output.resize(input.shape);
        const source = input.data as Float32Array;
        const target = output.data as Float32Array;
        for (let i = 0; i < source.length; i++) target[i] = source[i]! * handle.scale;
      }),
      destroy: vi.fn(),
      ...overrides,
    });
  }

  it('are initialized once at load with payload, compile specs and named data, run per call, destroyed on dispose', async () => {
    const backend = scaleBackend();
    const module = await Module.fromProgram(delegated, { backends: [backend] });
    expect(backend.init).toHaveBeenCalledTimes(1);
    const [processed, specs, context] = vi.mocked(backend.init).mock.calls[0]!;
    expect(new TextDecoder().decode(processed)).toBe('scale=3');
    expect(specs).toEqual([{ key: 'mode', value: Uint8Array.of(7) }]);
    expect(context.methodName).toBe('forward');
    expect(Array.from(context.namedData.get('shared')!)).toEqual([1, 2]);
    expect(floatValues(module.forward([floats([1, 2, 3])])[0])).toEqual([3, 6, 9]);
    expect(floatValues(module.forward([floats([-1])])[0])).toEqual([-3]);
    expect(backend.execute).toHaveBeenCalledTimes(2);
    module.dispose();
    expect(backend.destroy).toHaveBeenCalledTimes(1);
  });

  it('an unavailable backend or a failing init fails the load, naming backend and method', async () => {
    const unavailable = await Module.fromProgram(delegated, { backends: [scaleBackend({ isAvailable: () => false })] }).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(BackendUnavailableError);
    expect((unavailable as Error).message).toMatch(/forward.*TestScaleBackend.*cannot run/);
    const failing = await Module.fromProgram(delegated, {
      backends: [scaleBackend({ init: () => Promise.reject(new Error('bad payload')) })],
    }).catch((error: unknown) => error);
    expect(failing).toBeInstanceOf(BackendUnavailableError);
    expect((failing as Error).message).toMatch(/init failed: bad payload/);
    const missing = await Module.fromProgram(delegated).catch((error: unknown) => error);
    expect((missing as BackendUnavailableError).backendId).toBe('TestScaleBackend');
  });
});

describe('load-time validation', () => {
  it('rejects argument counts that do not match the operator schema, naming the instruction', async () => {
    const bad = program([
      plan({
        values: [tensorValue(ScalarType.FLOAT, [2], { memoryOffset: 0 }), intValue(1)],
        inputs: [0],
        outputs: [0],
        operators: [add],
        plannedBytes: [16],
        instructions: [{ kind: 'KernelCall', opIndex: 0, args: [0, 0, 1, 0] }],
      }),
    ]);
    await expect(Module.fromProgram(bad)).rejects.toThrow(/forward\.chains\[0\]\.instructions\[0\]\.args.*aten::add\.out takes 4 arguments/);
  });

  it('rejects planned tensors outside their buffer', async () => {
    const bad = program([
      plan({ values: [tensorValue(ScalarType.FLOAT, [8], { memoryOffset: 16 })], inputs: [0], outputs: [0], plannedBytes: [32] }),
    ]);
    await expect(Module.fromProgram(bad)).rejects.toThrow(/forward\.values\[0\]\.allocation_info.*run past planned buffer 1/);
  });
});
