/**
 * Program bytes must sit at a 16-byte aligned address: ExecuTorch requires it, and here constants
 * become typed-array views straight into the file, which need their element alignment.
 */

/** The same bytes, copied once only when their offset is not a multiple of 16. */
export function alignedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset % 16 === 0) return bytes;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
