import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ScalarType } from '@etch/core';
import { afterAll, describe, expect, it } from 'vitest';
import { f32, rawSafetensors, writeSafetensors } from '../../test/safetensors-fixture.js';
import { SafetensorsFile } from './safetensors-file.js';
import { MAX_HEADER_BYTES, readHeaderLength } from './safetensors-header.js';

const folder = mkdtempSync(join(tmpdir(), 'etch-safetensors-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let counter = 0;

function file(bytes: Uint8Array): string {
  const path = join(folder, `case-${counter++}.safetensors`);
  writeFileSync(path, bytes);
  return path;
}

function failure(path: string): CheckpointError {
  try {
    SafetensorsFile.open(path);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('SafetensorsFile', () => {
  it('reads F32, F16 and BF16 tensors lazily, as stored', () => {
    const path = join(folder, 'good.safetensors');
    writeSafetensors(
      path,
      [
        { name: 'a', dtype: 'F32', shape: [2, 2], data: f32([1, 2, 3, 4]) },
        { name: 'b', dtype: 'F16', shape: [3], data: new Uint8Array(Uint16Array.of(0x3c00, 0x4000, 0xc000).buffer) },
        { name: 'c', dtype: 'BF16', shape: [1], data: new Uint8Array(Uint16Array.of(0x3f80).buffer) },
        { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) },
      ],
      { format: 'pt' },
    );
    const weights = SafetensorsFile.open(path);
    expect(weights.names()).toEqual(['a', 'b', 'c', 'empty']);
    expect(weights.metadata).toEqual({ format: 'pt' });
    expect(weights.has('a')).toBe(true);
    expect(weights.has('lm_head.weight')).toBe(false);
    const a = weights.get('a');
    expect(a.dtype).toBe(ScalarType.FLOAT);
    expect(a.shape).toEqual([2, 2]);
    expect([...(a.data as Float32Array)]).toEqual([1, 2, 3, 4]);
    const b = weights.get('b');
    expect(b.dtype).toBe(ScalarType.HALF);
    expect([...(b.data as Uint16Array)]).toEqual([0x3c00, 0x4000, 0xc000]);
    expect(weights.get('c').dtype).toBe(ScalarType.BFLOAT16);
    expect(weights.get('empty').shape).toEqual([0, 4]);
    expect(weights.describe('b')).toEqual({ dtype: 'F16', shape: [3] });
  });

  it('rejects other dtypes on get, naming file and tensor', () => {
    const path = file(rawSafetensors({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)));
    const weights = SafetensorsFile.open(path);
    expect(() => weights.get('ids')).toThrow(expect.objectContaining({ code: 'CHECKPOINT_DTYPE', file: path, tensor: 'ids' }));
  });

  it('an unknown tensor name is CHECKPOINT_MISSING', () => {
    const path = file(rawSafetensors({}));
    expect(() => SafetensorsFile.open(path).get('lm_head.weight')).toThrow(expect.objectContaining({ code: 'CHECKPOINT_MISSING', tensor: 'lm_head.weight' }));
  });

  it('a missing file is CHECKPOINT_MISSING', () => {
    expect(() => SafetensorsFile.open(join(folder, 'absent.safetensors'))).toThrow(expect.objectContaining({ code: 'CHECKPOINT_MISSING' }));
  });

  it('a file shorter than the length prefix', () => {
    const path = file(new Uint8Array(5));
    expect(failure(path)).toMatchObject({ code: 'CHECKPOINT_FORMAT', file: path });
  });

  it('a header length beyond the file', () => {
    const bytes = rawSafetensors({});
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    const path = file(bytes);
    const error = failure(path);
    expect(error).toMatchObject({ code: 'CHECKPOINT_FORMAT', file: path });
    expect(error.message).toContain('runs past the end of the file');
  });

  it('a header length above the 100 MB limit, even in a file that large', () => {
    const prefix = new Uint8Array(8);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES + 1), true);
    expect(() => readHeaderLength(prefix, MAX_HEADER_BYTES * 2, 'big.safetensors')).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_FORMAT', file: 'big.safetensors', message: expect.stringContaining('limit') }),
    );
    new DataView(prefix.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => readHeaderLength(prefix, 100, 'huge.safetensors')).toThrow(expect.objectContaining({ message: expect.stringContaining('runs past the end') }));
  });

  it('bad JSON in the header', () => {
    const json = new TextEncoder().encode('{"a": {');
    const bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    const path = file(bytes);
    expect(failure(path).message).toContain('not valid UTF-8 JSON');
  });

  it('a header that is not an object, or an entry that is not one', () => {
    expect(failure(file(rawSafetensors([1, 2]))).message).toContain('not a JSON object');
    expect(failure(file(rawSafetensors({ a: 3 })))).toMatchObject({ tensor: 'a' });
  });

  it('an unknown dtype string', () => {
    expect(failure(file(rawSafetensors({ a: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))))).toMatchObject({
      tensor: 'a',
      message: expect.stringContaining('unknown dtype "F33"'),
    });
  });

  it('offsets out of range', () => {
    const error = failure(file(rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4))));
    expect(error).toMatchObject({ tensor: 'a', message: expect.stringContaining('run past the data section') });
  });

  it('offsets that end before they begin', () => {
    expect(failure(file(rawSafetensors({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(4)))).message).toContain(
      'ends before it begins',
    );
  });

  it('overlapping offsets', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expect(failure(file(rawSafetensors(header, new Uint8Array(12))))).toMatchObject({ tensor: 'b', message: expect.stringContaining('overlap') });
  });

  it('holes and trailing bytes in the data section', () => {
    const hole = { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expect(failure(file(rawSafetensors(hole, new Uint8Array(8)))).message).toContain('belong to no tensor');
    const trailing = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
    expect(failure(file(rawSafetensors(trailing, new Uint8Array(8)))).message).toContain('trailing bytes');
  });

  it('a byte size that does not match dtype and shape', () => {
    const header = { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } };
    expect(failure(file(rawSafetensors(header, new Uint8Array(8))))).toMatchObject({
      tensor: 'a',
      message: expect.stringContaining('8 bytes for shape [3] F32, which needs 12'),
    });
  });

  it('a malformed shape or offsets', () => {
    expect(failure(file(rawSafetensors({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }))).message).toContain('shape');
    expect(failure(file(rawSafetensors({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)))).message).toContain('data_offsets');
  });

  it('bad __metadata__', () => {
    expect(failure(file(rawSafetensors({ __metadata__: { n: 1 } }))).message).toContain('__metadata__');
  });

  it('a file truncated after opening fails the read, not silently', () => {
    const path = join(folder, 'shrinks.safetensors');
    writeSafetensors(path, [{ name: 'a', dtype: 'F32', shape: [4], data: f32([1, 2, 3, 4]) }]);
    const weights = SafetensorsFile.open(path);
    const bytes = rawSafetensors({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(16)).subarray(0, 30);
    writeFileSync(path, bytes);
    expect(() => weights.get('a')).toThrow(expect.objectContaining({ code: 'CHECKPOINT_FORMAT', message: expect.stringContaining('unexpected end of file') }));
  });
});
