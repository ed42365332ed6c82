/**
 * The concrete tensor every kernel reads and writes: a dtype, a shape and a contiguous typed-array
 * view over some storage. The reference evaluator allocates fresh storage per value; the runtime
 * points tensors into planned arenas and constant segments, so a tensor also knows its capacity
 * and can be resized within it (ExecuTorch's DYNAMIC_BOUND tensors).
 */

import { ExecutionError } from '../errors.js';
import { ScalarType, elementSize, scalarTypeName } from '../scalar-type.js';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  BYTES_PER_ELEMENT: number;
};

/** The typed array that holds a dtype's elements. Half and bfloat16 are raw 16-bit patterns. */
export function arrayConstructorFor(dtype: ScalarType): TypedArrayConstructor {
  switch (dtype) {
    case ScalarType.FLOAT:
      return Float32Array;
    case ScalarType.DOUBLE:
      return Float64Array;
    case ScalarType.CHAR:
    case ScalarType.QINT8:
      return Int8Array;
    case ScalarType.BYTE:
    case ScalarType.BOOL:
    case ScalarType.QUINT8:
    case ScalarType.QUINT4X2:
    case ScalarType.QUINT2X4:
    case ScalarType.FLOAT8E5M2:
    case ScalarType.FLOAT8E4M3FN:
    case ScalarType.FLOAT8E5M2FNUZ:
    case ScalarType.FLOAT8E4M3FNUZ:
      return Uint8Array;
    case ScalarType.SHORT:
      return Int16Array;
    case ScalarType.HALF:
    case ScalarType.BFLOAT16:
    case ScalarType.UINT16:
    case ScalarType.BITS16:
      return Uint16Array;
    case ScalarType.INT:
    case ScalarType.QINT32:
      return Int32Array;
    case ScalarType.UINT32:
      return Uint32Array;
    case ScalarType.LONG:
      return BigInt64Array;
    case ScalarType.UINT64:
      return BigUint64Array;
    default:
      throw new ExecutionError(`no typed array for scalar type ${scalarTypeName(dtype)}`);
  }
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (in elements) for a contiguous tensor of this shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Tensor {
  readonly dtype: ScalarType;
  /** Current shape. Change it only through `resize`. */
  shape: number[];
  /** Contiguous view of exactly `numel` elements. */
  data: TypedArray;
  private readonly storage: ArrayBufferLike;
  private readonly byteOffset: number;
  /** Bytes available at `byteOffset`: the upper bound the tensor may grow to. */
  readonly capacityBytes: number;

  constructor(dtype: ScalarType, shape: readonly number[], storage: ArrayBufferLike, byteOffset = 0, capacityBytes?: number) {
    this.dtype = dtype;
    this.shape = [...shape];
    this.storage = storage;
    this.byteOffset = byteOffset;
    const needed = numelOf(shape) * elementSize(dtype);
    this.capacityBytes = capacityBytes ?? needed;
    if (needed > this.capacityBytes || byteOffset + this.capacityBytes > storage.byteLength) {
      throw new ExecutionError(
        `tensor of shape [${shape.join(', ')}] ${scalarTypeName(dtype)} needs ${needed} bytes at offset ${byteOffset}, ` +
          `but only ${Math.min(this.capacityBytes, storage.byteLength - byteOffset)} are available`,
      );
    }
    this.data = this.view(numelOf(shape));
  }

  /** A fresh zero-filled tensor with its own storage. */
  static zeros(dtype: ScalarType, shape: readonly number[]): Tensor {
    const bytes = numelOf(shape) * elementSize(dtype);
    return new Tensor(dtype, shape, new ArrayBuffer(Math.max(bytes, 0)), 0, bytes);
  }

  /** Wraps an existing typed array (no copy); the array's length must equal the shape's numel. */
  static fromArray(dtype: ScalarType, shape: readonly number[], data: TypedArray): Tensor {
    if (data.length !== numelOf(shape)) {
      throw new ExecutionError(`array of ${data.length} elements does not fit shape [${shape.join(', ')}]`);
    }
    return new Tensor(dtype, shape, data.buffer, data.byteOffset, data.byteLength);
  }

  static scalarFloat(value: number): Tensor {
    return Tensor.fromArray(ScalarType.FLOAT, [], Float32Array.of(value));
  }

  static scalarLong(value: number | bigint): Tensor {
    return Tensor.fromArray(ScalarType.LONG, [], BigInt64Array.of(BigInt(value)));
  }

  get numel(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get nbytes(): number {
    return this.data.byteLength;
  }

  /** The underlying bytes of the current contents (a view, not a copy). */
  get bytes(): Uint8Array {
    return new Uint8Array(this.storage, this.byteOffset, this.data.byteLength);
  }

  /** Sets a new shape within capacity (ExecuTorch's `resize_tensor`). */
  resize(shape: readonly number[]): void {
    if (sameDims(shape, this.shape)) return;
    const needed = numelOf(shape) * elementSize(this.dtype);
    if (needed > this.capacityBytes) {
      throw new ExecutionError(
        `cannot resize tensor to [${shape.join(', ')}]: needs ${needed} bytes, capacity is ${this.capacityBytes}`,
      );
    }
    this.shape = [...shape];
    this.data = this.view(numelOf(shape));
  }

  /** Another tensor over the same storage with a different shape of equal numel (a free view). */
  reshaped(shape: readonly number[]): Tensor {
    if (numelOf(shape) !== this.numel) {
      throw new ExecutionError(`cannot view [${this.shape.join(', ')}] as [${shape.join(', ')}]`);
    }
    return new Tensor(this.dtype, shape, this.storage, this.byteOffset, this.capacityBytes);
  }

  /** A deep copy with its own storage. */
  clone(): Tensor {
    const copy = Tensor.zeros(this.dtype, this.shape);
    copy.bytes.set(this.bytes);
    return copy;
  }

  private view(numel: number): TypedArray {
    const Ctor = arrayConstructorFor(this.dtype);
    if (this.byteOffset % Ctor.BYTES_PER_ELEMENT !== 0) {
      throw new ExecutionError(`tensor data at byte ${this.byteOffset} is not aligned for ${scalarTypeName(this.dtype)}`);
    }
    return new Ctor(this.storage, this.byteOffset, numel);
  }
}
