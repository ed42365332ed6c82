/**
 * Streams decoded text token by token without breaking multi-byte characters or the tokenizer's
 * space handling: it decodes the whole sequence so far and emits only what was added, holding
 * back text that ends in an incomplete character (U+FFFD) until the next token completes it.
 * The output equals decoding the full sequence at once.
 */

export interface Detokenizer {
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}

export class TextStreamer {
  private readonly ids: number[] = [];
  private emitted = '';

  constructor(
    private readonly tokenizer: Detokenizer,
    private readonly write: (text: string) => void,
  ) {}

  /** Starts a sequence with the prompt ids, emitting the prompt's text. */
  start(promptIds: readonly number[]): void {
    this.ids.push(...promptIds);
    this.flush();
  }

  push(id: number): void {
    this.ids.push(id);
    this.flush();
  }

  /** Emits whatever is still held back (an incomplete character at the very end). */
  finish(): void {
    this.flush(true);
  }

  private flush(final = false): void {
    const text = this.tokenizer.decode(this.ids, { skipSpecialTokens: true });
    if (!final && (text.endsWith('\uFFFD') || !text.startsWith(this.emitted))) return;
    let common = 0;
    while (common < this.emitted.length && text[common] === this.emitted[common]) common++;
    if (common < text.length) this.write(text.slice(common));
    this.emitted = text;
  }
}
