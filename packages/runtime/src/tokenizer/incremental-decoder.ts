/**
 * Streaming detokenization. Decoding tokens one by one is wrong for most tokenizers: a character
 * can span several byte-fallback tokens, and SentencePiece decoders drop the leading space of the
 * first token they see. This decoder re-decodes a short window that starts before the new tokens
 * and emits only the text added since the last call, holding it back while it ends in an
 * incomplete character (U+FFFD), as text-generation-inference does.
 */

export class IncrementalDecoder {
  private readonly ids: number[] = [];
  /** Start of the window re-decoded for context. */
  private prefixOffset = 0;
  /** End of the text already emitted, in tokens. */
  private readOffset = 0;

  constructor(private readonly decode: (ids: readonly number[]) => string) {}

  /** Adds a token; returns the text it completes (possibly empty). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    if (fullText.length <= prefixText.length || fullText.endsWith('\uFFFD')) return '';
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }

  /** Text still held back (an incomplete character at the end), emitted as is. */
  flush(): string {
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return fullText.length > prefixText.length ? fullText.slice(prefixText.length) : '';
  }
}
