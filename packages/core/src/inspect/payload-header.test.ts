import { describe, expect, it } from 'vitest';
import { readPayloadHeader } from './payload-header.js';

function payload(options: { flatbufferSize?: number; constantSize?: number; magic?: string } = {}): Uint8Array {
  const flatbufferSize = options.flatbufferSize ?? 40;
  const constantSize = options.constantSize ?? 16;
  const constantOffset = 32 + Math.ceil(flatbufferSize / 16) * 16;
  const bytes = new Uint8Array(constantOffset + constantSize);
  const view = new DataView(bytes.buffer);
  bytes.set([...(options.magic ?? 'XH00')].map((character) => character.charCodeAt(0)), 4);
  view.setUint16(8, 30, true);
  view.setUint32(10, 32, true);
  view.setUint32(14, flatbufferSize, true);
  view.setUint32(18, constantOffset, true);
  view.setBigUint64(22, BigInt(constantSize), true);
  bytes.set([0x58, 0x4e, 0x30, 0x31], 36); // "XN01"
  return bytes;
}

describe('readPayloadHeader', () => {
  it('reads an XNNPACK container header', () => {
    expect(readPayloadHeader(payload())).toEqual({
      magic: 'XH00',
      headerLength: 30,
      flatbufferOffset: 32,
      flatbufferSize: 40,
      flatbufferIdentifier: 'XN01',
      constantDataOffset: 80,
      constantDataSize: 16,
    });
    expect(readPayloadHeader(payload({ magic: 'VH00' }))?.magic).toBe('VH00');
  });

  it('gives null for other payloads and for headers that do not fit the payload', () => {
    expect(readPayloadHeader(payload({ magic: 'MP00' }))).toBeNull();
    expect(readPayloadHeader(new Uint8Array(10))).toBeNull();
    const truncated = payload().subarray(0, 60);
    expect(readPayloadHeader(truncated)).toBeNull();
    const overlapping = payload();
    new DataView(overlapping.buffer).setUint32(18, 40, true);
    expect(readPayloadHeader(overlapping)).toBeNull();
    const huge = payload();
    new DataView(huge.buffer).setBigUint64(22, 1n << 62n, true);
    expect(readPayloadHeader(huge)).toBeNull();
  });
});
