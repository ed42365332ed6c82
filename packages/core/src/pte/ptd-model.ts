/**
 * The `.ptd` external-data file (FlatTensor, identifier `FT01`) as plain objects. It holds
 * weights kept outside a `.pte` (`extra_tensor_info.location = EXTERNAL`) and delegate blobs
 * tagged for external storage, keyed by name. Two table layouts share the identifier: the
 * current one (`named_data` entries with an optional tensor layout) and the v0.6 one (a
 * `tensors` list with fully qualified names and byte offsets); both are modelled here.
 */

import type { ScalarType } from '../scalar-type.js';
import type { Segment } from './model.js';

/** Which FlatTensor table layout a file uses. */
export type PtdSchema = 'current' | 'v0.6';

/** dtype and shape of a named tensor, so the runtime can check it against the program. */
export interface TensorLayout {
  scalarType: ScalarType;
  sizes: number[];
  dimOrder: number[];
}

/** A named blob: the bytes are `segments[segmentIndex]`. */
export interface PtdNamedData {
  key: string;
  segmentIndex: number;
  tensorLayout: TensorLayout | null;
}

/** A v0.6 tensor entry: bytes at `offset` inside `segments[segmentIndex]`. */
export interface PtdTensorMetadata {
  fullyQualifiedName: string;
  scalarType: ScalarType;
  sizes: number[];
  dimOrder: number[];
  segmentIndex: number;
  offset: number;
}

/** A decoded `.ptd`: its segments and what names them, in either table layout. */
export interface PtdFile {
  schema: PtdSchema;
  version: number;
  segments: Segment[];
  namedData: PtdNamedData[];
  /** v0.6 only (empty / 0 in current files). */
  tensorAlignment: number;
  /** v0.6 only (empty in current files). */
  tensors: PtdTensorMetadata[];
}

/** The `FH01` header that follows the identifier in every `.ptd`. */
export interface FlatTensorHeader {
  headerLength: number;
  flatbufferOffset: number;
  flatbufferSize: number;
  segmentBaseOffset: number;
  segmentDataSize: number;
}
