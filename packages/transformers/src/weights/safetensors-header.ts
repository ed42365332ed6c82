/**
 * Parses and checks a safetensors header (8-byte little-endian length, then JSON) before any
 * tensor byte is touched: every entry's dtype, shape and byte range is validated against the
 * file's real size, and the ranges must tile the data section exactly, as the format requires.
 * A hostile or truncated file therefore fails here with a `CheckpointError`, never later.
 */

import { CheckpointError } from '@etch/core';

/** Byte size of one element of each safetensors dtype. */
const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/** The reference implementation refuses headers above 100 MB; so does etch. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry, with offsets made absolute (from the start of the file). */
export interface SafetensorsEntry {
  readonly name: string;
  /** safetensors dtype string (`F32`, `BF16`, …). */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte offset of the first element in the file. */
  readonly start: number;
  readonly byteLength: number;
}

/** A validated header: every tensor entry by name, and the free-form metadata. */
export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  /** The optional `__metadata__` string map. */
  readonly metadata: Readonly<Record<string, string>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the header length from the first 8 bytes, checking it fits in a file of `fileSize` bytes.
 * @throws CheckpointError (`CHECKPOINT_FORMAT`) when the file is too short or the length too large.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new CheckpointError('CHECKPOINT_FORMAT', file, `file is ${fileSize} bytes, too short for the 8-byte header length`, {
      hint: 'the file is truncated or not a safetensors file; download it again',
    });
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileSize - 8)) {
    throw new CheckpointError('CHECKPOINT_FORMAT', file, `header length ${length} runs past the end of the file (${fileSize} bytes)`, {
      hint: 'the file is truncated or not a safetensors file; download it again',
    });
  }
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new CheckpointError('CHECKPOINT_FORMAT', file, `header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  return Number(length);
}

/**
 * Parses the JSON header (`headerBytes`, exactly the declared length) of a file of `fileSize`
 * bytes and validates every entry.
 * @throws CheckpointError (`CHECKPOINT_FORMAT`) naming the file and, where one is at fault, the tensor.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  const fail = (message: string, tensor?: string): never => {
    throw new CheckpointError('CHECKPOINT_FORMAT', file, message, { ...(tensor === undefined ? {} : { tensor }), hint: 'the file is corrupt or was not written by a safetensors writer; download or convert it again' });
  };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    return fail(`header is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (!isRecord(json)) return fail('header is not a JSON object');

  const dataStart = 8 + headerBytes.length;
  const dataLength = fileSize - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  const ranges: { name: string; begin: number; end: number }[] = [];

  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isRecord(value) || !Object.values(value).every((item) => typeof item === 'string')) {
        return fail('__metadata__ must map strings to strings');
      }
      metadata = value as Record<string, string>;
      continue;
    }
    if (!isRecord(value)) return fail('entry is not an object', name);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string' || DTYPE_SIZES[dtype] === undefined) {
      return fail(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPE_SIZES).join(', ')}`, name);
    }
    if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      return fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)) {
      return fail(`data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`, name);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) return fail(`data_offsets [${begin}, ${end}] ends before it begins`, name);
    if (end > dataLength) {
      return fail(`data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes after the header)`, name);
    }
    let elements = 1;
    for (const dim of shape as number[]) {
      elements *= dim;
      if (!Number.isSafeInteger(elements)) return fail(`shape ${JSON.stringify(shape)} has too many elements`, name);
    }
    const expected = elements * DTYPE_SIZES[dtype]!;
    if (end - begin !== expected) {
      return fail(`${end - begin} bytes for shape [${(shape as number[]).join(', ')}] ${dtype}, which needs ${expected}`, name);
    }
    entries.set(name, { name, dtype, shape: shape as number[], start: dataStart + begin, byteLength: expected });
    ranges.push({ name, begin, end });
  }

  // The format requires the entries to cover the data section exactly: no overlaps, no holes.
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const range of ranges) {
    if (range.begin < covered) return fail(`data_offsets [${range.begin}, ${range.end}] overlap the previous tensor (which ends at ${covered})`, range.name);
    if (range.begin > covered) return fail(`bytes ${covered}..${range.begin} of the data section belong to no tensor`, range.name);
    covered = range.end;
  }
  if (covered !== dataLength) {
    return fail(`the tensors cover ${covered} of the ${dataLength} data bytes after the header; the file has trailing bytes`);
  }
  return { entries, metadata };
}
