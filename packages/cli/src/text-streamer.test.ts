import { describe, expect, it } from 'vitest';
import { TextStreamer } from './text-streamer.js';

/** A byte-level toy tokenizer: id = byte, decoded as UTF-8 (so partial characters show U+FFFD). */
const byteTokenizer = {
  decode: (ids: readonly number[]) => new TextDecoder().decode(Uint8Array.from(ids)),
};

describe('TextStreamer', () => {
  it('emits exactly the full decode, holding back incomplete characters', () => {
    const pieces: string[] = [];
    const streamer = new TextStreamer(byteTokenizer, (text) => pieces.push(text));
    const bytes = [...new TextEncoder().encode('né€')];
    streamer.start(bytes.slice(0, 1));
    for (const byte of bytes.slice(1)) streamer.push(byte);
    streamer.finish();
    expect(pieces.join('')).toBe('né€');
    expect(pieces.every((piece) => !piece.includes('\uFFFD'))).toBe(true);
    expect(pieces.length).toBe(3);
  });

  it('flushes a dangling partial character at the end', () => {
    const pieces: string[] = [];
    const streamer = new TextStreamer(byteTokenizer, (text) => pieces.push(text));
    streamer.start([0x61, 0xe2]);
    streamer.finish();
    expect(pieces.join('')).toBe('a\uFFFD');
  });
});
