/**
 * A writer for GGUF v3 files (llama.cpp's model format): typed metadata key/values, tensor
 * descriptors and aligned tensor data. Used to hand llama.cpp the same weights our own runtime
 * runs, for benchmarks; no llama.cpp tooling (or Python) needed.
 */

import { open } from 'node:fs/promises';

/** GGUF metadata value types. */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** ggml tensor types this writer emits. */
export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;

/** A metadata value with its GGUF type. */
export type GgufValue =
  | { readonly type: 'uint32'; readonly value: number }
  | { readonly type: 'int32'; readonly value: number }
  | { readonly type: 'float32'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string[]'; readonly value: readonly string[] }
  | { readonly type: 'float32[]'; readonly value: ArrayLike<number> }
  | { readonly type: 'int32[]'; readonly value: ArrayLike<number> };

/** One tensor: `dimensions` innermost first (ggml's ne0, ne1, …), data already in `ggmlType`'s layout. */
export interface GgufTensor {
  readonly name: string;
  readonly dimensions: readonly number[];
  readonly ggmlType: number;
  readonly data: Uint8Array;
}

/** Contents of a GGUF file. */
export interface GgufContents {
  readonly metadata: ReadonlyMap<string, GgufValue>;
  readonly tensors: readonly GgufTensor[];
  /** Data alignment in bytes (`general.alignment`); 32 unless given. */
  readonly alignment?: number;
}

class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  bytes(data: Uint8Array): void {
    this.chunks.push(data);
    this.length += data.length;
  }
  private scalar(size: number, write: (view: DataView) => void): void {
    const buffer = new Uint8Array(size);
    write(new DataView(buffer.buffer));
    this.bytes(buffer);
  }
  u32(value: number): void {
    this.scalar(4, (view) => view.setUint32(0, value, true));
  }
  i32(value: number): void {
    this.scalar(4, (view) => view.setInt32(0, value, true));
  }
  u64(value: number): void {
    this.scalar(8, (view) => view.setBigUint64(0, BigInt(value), true));
  }
  f32(value: number): void {
    this.scalar(4, (view) => view.setFloat32(0, value, true));
  }
  string(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.u64(encoded.length);
    this.bytes(encoded);
  }
  pad(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding) this.bytes(new Uint8Array(padding));
  }
  result(): Uint8Array[] {
    return this.chunks;
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'uint32':
      sink.u32(GgufValueType.UINT32);
      sink.u32(value.value);
      return;
    case 'int32':
      sink.u32(GgufValueType.INT32);
      sink.i32(value.value);
      return;
    case 'float32':
      sink.u32(GgufValueType.FLOAT32);
      sink.f32(value.value);
      return;
    case 'bool':
      sink.u32(GgufValueType.BOOL);
      sink.bytes(new Uint8Array([value.value ? 1 : 0]));
      return;
    case 'string':
      sink.u32(GgufValueType.STRING);
      sink.string(value.value);
      return;
    case 'string[]':
      sink.u32(GgufValueType.ARRAY);
      sink.u32(GgufValueType.STRING);
      sink.u64(value.value.length);
      for (const item of value.value) sink.string(item);
      return;
    case 'float32[]':
      sink.u32(GgufValueType.ARRAY);
      sink.u32(GgufValueType.FLOAT32);
      sink.u64(value.value.length);
      sink.bytes(new Uint8Array(Float32Array.from(value.value).buffer));
      return;
    case 'int32[]':
      sink.u32(GgufValueType.ARRAY);
      sink.u32(GgufValueType.INT32);
      sink.u64(value.value.length);
      sink.bytes(new Uint8Array(Int32Array.from(value.value).buffer));
      return;
  }
}

/** Serializes `contents` as GGUF v3 chunks (header, metadata, tensor infos, aligned data). */
export function encodeGguf(contents: GgufContents): Uint8Array[] {
  const alignment = contents.alignment ?? 32;
  const sink = new ByteSink();
  sink.bytes(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(contents.tensors.length);
  const metadata = new Map(contents.metadata);
  metadata.set('general.alignment', { type: 'uint32', value: alignment });
  sink.u64(metadata.size);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of contents.tensors) {
    sink.string(tensor.name);
    sink.u32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) sink.u64(dimension);
    sink.u32(tensor.ggmlType);
    sink.u64(offset);
    offset += Math.ceil(tensor.data.length / alignment) * alignment;
  }
  sink.pad(alignment);
  for (const tensor of contents.tensors) {
    sink.bytes(tensor.data);
    sink.pad(alignment);
  }
  return sink.result();
}

/** Writes `contents` to `path` as a GGUF v3 file. */
export async function writeGguf(path: string, contents: GgufContents): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const chunk of encodeGguf(contents)) await file.write(chunk);
  } finally {
    await file.close();
  }
}
