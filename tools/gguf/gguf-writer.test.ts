import { describe, expect, it } from 'vitest';
import { encodeGguf, GgmlType, GgufValueType } from './gguf-writer.js';

function concatenate(chunks: Uint8Array[]): DataView {
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new DataView(bytes.buffer);
}

describe('encodeGguf', () => {
  it('writes the header, typed metadata, tensor infos and aligned data', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const view = concatenate(
      encodeGguf({
        metadata: new Map([['general.architecture', { type: 'string', value: 'llama' }]]),
        tensors: [
          { name: 'a', dimensions: [3], ggmlType: GgmlType.F32, data },
          { name: 'b', dimensions: [3, 1], ggmlType: GgmlType.F32, data },
        ],
      }),
    );
    let offset = 0;
    const u32 = () => ((offset += 4), view.getUint32(offset - 4, true));
    const u64 = () => ((offset += 8), Number(view.getBigUint64(offset - 8, true)));
    const string = () => {
      const length = u64();
      offset += length;
      return new TextDecoder().decode(new Uint8Array(view.buffer, offset - length, length));
    };
    expect(new TextDecoder().decode(new Uint8Array(view.buffer, 0, 4))).toBe('GGUF');
    offset = 4;
    expect(u32()).toBe(3);
    expect(u64()).toBe(2);
    expect(u64()).toBe(2);
    expect(string()).toBe('general.architecture');
    expect(u32()).toBe(GgufValueType.STRING);
    expect(string()).toBe('llama');
    expect(string()).toBe('general.alignment');
    expect(u32()).toBe(GgufValueType.UINT32);
    expect(u32()).toBe(32);
    const offsets: number[] = [];
    for (const [name, dims] of [['a', [3]], ['b', [3, 1]]] as const) {
      expect(string()).toBe(name);
      expect(u32()).toBe(dims.length);
      expect(Array.from(dims, () => u64())).toEqual([...dims]);
      expect(u32()).toBe(GgmlType.F32);
      offsets.push(u64());
    }
    expect(offsets).toEqual([0, 32]);
    const dataStart = Math.ceil(offset / 32) * 32;
    expect(view.getFloat32(dataStart + 4, true)).toBe(2);
    expect(view.getFloat32(dataStart + 32 + 8, true)).toBe(3);
    expect(view.byteLength).toBe(dataStart + 64);
  });
});
