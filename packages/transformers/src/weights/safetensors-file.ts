/**
 * One `.safetensors` file as a lazy `WeightSource`: opening reads only the header; `get` reads
 * exactly one tensor's byte range into fresh storage. The file is never held in memory whole, so
 * loading a checkpoint costs about its size once, however many tensors it has.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CheckpointError, ScalarType, Tensor } from '@etch/core';
import type { WeightSource } from '../model-contract.js';
import { type SafetensorsEntry, parseSafetensorsHeader, readHeaderLength } from './safetensors-header.js';

/** The safetensors dtypes etch loads, as ExecuTorch scalar types. */
const SUPPORTED_DTYPES: Readonly<Record<string, ScalarType>> = {
  F32: ScalarType.FLOAT,
  F16: ScalarType.HALF,
  BF16: ScalarType.BFLOAT16,
};

/** Node's single read is limited to 2 GiB; larger tensors are read in pieces of this size. */
const READ_CHUNK_BYTES = 1 << 30;

/** Fills `target` from `position` on, failing on a short read (a truncated file). */
function readFully(descriptor: number, target: Uint8Array, position: number, file: string): void {
  let done = 0;
  while (done < target.length) {
    const count = readSync(descriptor, target, done, Math.min(target.length - done, READ_CHUNK_BYTES), position + done);
    if (count === 0) {
      throw new CheckpointError('CHECKPOINT_FORMAT', file, `unexpected end of file at byte ${position + done}`, {
        hint: 'the file changed or was truncated while reading; download it again',
      });
    }
    done += count;
  }
}

function withDescriptor<T>(file: string, action: (descriptor: number) => T): T {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch (error) {
    throw new CheckpointError('CHECKPOINT_MISSING', file, `cannot open: ${(error as Error).message}`, { cause: error });
  }
  try {
    return action(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** A lazily read safetensors file. */
export class SafetensorsFile implements WeightSource {
  /** Absolute or caller-relative path of the file. */
  readonly file: string;
  /** The header's `__metadata__` map. */
  readonly metadata: Readonly<Record<string, string>>;
  private readonly entries: ReadonlyMap<string, SafetensorsEntry>;

  private constructor(file: string, entries: ReadonlyMap<string, SafetensorsEntry>, metadata: Readonly<Record<string, string>>) {
    this.file = file;
    this.entries = entries;
    this.metadata = metadata;
  }

  /**
   * Opens a file and validates its header (no tensor data is read).
   * @throws CheckpointError `CHECKPOINT_MISSING` if it cannot be opened, `CHECKPOINT_FORMAT` if malformed.
   */
  static open(file: string): SafetensorsFile {
    return withDescriptor(file, (descriptor) => {
      const size = fstatSync(descriptor).size;
      const prefix = new Uint8Array(Math.min(8, size));
      readFully(descriptor, prefix, 0, file);
      const headerLength = readHeaderLength(prefix, size, file);
      const headerBytes = new Uint8Array(headerLength);
      readFully(descriptor, headerBytes, 8, file);
      const header = parseSafetensorsHeader(headerBytes, size, file);
      return new SafetensorsFile(file, header.entries, header.metadata);
    });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The stored dtype (`F32`, `BF16`, …) and shape of a tensor, without reading it. */
  describe(name: string): { dtype: string; shape: readonly number[] } {
    const entry = this.entry(name);
    return { dtype: entry.dtype, shape: entry.shape };
  }

  /**
   * Reads one tensor into its own storage, as stored (F32, F16 or BF16).
   * @throws CheckpointError `CHECKPOINT_MISSING` for an unknown name, `CHECKPOINT_DTYPE` for other dtypes.
   */
  get(name: string): Tensor {
    const entry = this.entry(name);
    const dtype = SUPPORTED_DTYPES[entry.dtype];
    if (dtype === undefined) {
      throw new CheckpointError('CHECKPOINT_DTYPE', this.file, `dtype ${entry.dtype} is not supported; etch loads F32, F16 and BF16`, {
        tensor: name,
        hint: 'use an unquantized checkpoint (float32, float16 or bfloat16 weights) and let etch quantize it',
      });
    }
    const storage = new ArrayBuffer(entry.byteLength);
    withDescriptor(this.file, (descriptor) => readFully(descriptor, new Uint8Array(storage), entry.start, this.file));
    return new Tensor(dtype, entry.shape, storage);
  }

  private entry(name: string): SafetensorsEntry {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new CheckpointError('CHECKPOINT_MISSING', this.file, 'no such tensor in this file', {
        tensor: name,
        hint: 'check the name with names(); builders use embed_tokens for tied embeddings rather than lm_head',
      });
    }
    return entry;
  }
}
