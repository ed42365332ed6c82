/**
 * The `.pte` and `.ptd` file formats: the object model, a bounds-checked reader, a writer
 * compatible with upstream's serializer, and the container metadata (pytree) strings.
 */

export * from './model.js';
export { readExtendedHeader } from './extended-header.js';
export { readPte, PTE_FILE_IDENTIFIER, type ReadPteOptions } from './reader.js';
export { writePte, layoutSegments, SEGMENT_ALIGNMENT, type WritePteOptions } from './writer.js';
export type { FieldOrder, VtableSharing } from './table-builder.js';
export type { FlatBufferReaderLimits } from './flatbuffer-reader.js';
export {
  encodeMethodInputs,
  encodeMethodOutputs,
  encodeConstantOutput,
  decodeTreeSpec,
  treeSpecLeafNames,
  treeSpecLeafCount,
  type TreeSpec,
} from './container-metadata.js';
export * from './ptd-model.js';
export { readPtd, readFlatTensorHeader, PTD_FILE_IDENTIFIER, type ReadPtdOptions } from './ptd-reader.js';
export { writePtd, type WritePtdOptions } from './ptd-writer.js';
