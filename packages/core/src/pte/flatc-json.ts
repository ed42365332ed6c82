/**
 * Parses the JSON `flatc --json` prints for a `.pte`, which `JSON.parse` cannot take as is:
 * doubles may be `inf`, `-inf` or `nan`, and int64 values such as INT64_MAX lose precision as
 * JavaScript numbers. Integers outside ±2^53 become `bigint`s here. The conformance tests use
 * it to compare the reader against upstream's decodes of the reference files.
 */

import { PteFormatError } from '../errors.js';

/** A parsed value: JSON plus bigint for integers beyond 2^53. */
export type FlatcJsonValue = null | boolean | number | bigint | string | FlatcJsonValue[] | { [key: string]: FlatcJsonValue };

/** Parses flatc JSON text; throws PteFormatError with the offset of the first bad character. */
export function parseFlatcJson(text: string): FlatcJsonValue {
  let position = 0;
  const fail = (message: string): never => {
    throw new PteFormatError('flatc-json', message, { offset: position });
  };
  const skipSpace = (): void => {
    while (position < text.length && ' \t\r\n'.includes(text[position]!)) position++;
  };
  const literal = (word: string, value: FlatcJsonValue): FlatcJsonValue => {
    if (!text.startsWith(word, position)) fail(`unexpected ${JSON.stringify(text.slice(position, position + 8))}`);
    position += word.length;
    return value;
  };
  const string = (): string => {
    const start = position;
    position++;
    while (position < text.length && text[position] !== '"') position += text[position] === '\\' ? 2 : 1;
    if (position >= text.length) fail('unterminated string');
    position++;
    return JSON.parse(text.slice(start, position)) as string;
  };
  const number = (): FlatcJsonValue => {
    const match = /^-?(?:inf|nan|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(position, position + 64));
    if (!match) return fail(`unexpected ${JSON.stringify(text.slice(position, position + 8))}`);
    position += match[0].length;
    const token = match[0];
    if (token.endsWith('inf')) return token.startsWith('-') ? -Infinity : Infinity;
    if (token.endsWith('nan')) return Number.NaN;
    if (/^-?\d+$/.test(token)) {
      const value = BigInt(token);
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    }
    return Number(token);
  };
  const value = (depth: number): FlatcJsonValue => {
    if (depth > 256) fail('nesting deeper than 256');
    skipSpace();
    const character = text[position];
    if (character === '{') {
      position++;
      const result: { [key: string]: FlatcJsonValue } = {};
      skipSpace();
      if (text[position] === '}') {
        position++;
        return result;
      }
      for (;;) {
        skipSpace();
        if (text[position] !== '"') fail('expected a key');
        const key = string();
        skipSpace();
        if (text[position] !== ':') fail('expected ":"');
        position++;
        result[key] = value(depth + 1);
        skipSpace();
        if (text[position] === ',') position++;
        else if (text[position] === '}') {
          position++;
          return result;
        } else fail('expected "," or "}"');
      }
    }
    if (character === '[') {
      position++;
      const result: FlatcJsonValue[] = [];
      skipSpace();
      if (text[position] === ']') {
        position++;
        return result;
      }
      for (;;) {
        result.push(value(depth + 1));
        skipSpace();
        if (text[position] === ',') position++;
        else if (text[position] === ']') {
          position++;
          return result;
        } else fail('expected "," or "]"');
      }
    }
    if (character === '"') return string();
    if (character === 't') return literal('true', true);
    if (character === 'f') return literal('false', false);
    if (character === 'n' && text.startsWith('null', position)) return literal('null', null);
    return number();
  };
  const result = value(0);
  skipSpace();
  if (position !== text.length) fail('trailing characters');
  return result;
}
