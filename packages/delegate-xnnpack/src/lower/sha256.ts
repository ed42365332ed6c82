/**
 * SHA-256 hex digests through Web Crypto (Node 20 and browsers), the content keys ExecuTorch's
 * XNNPACK serializer gives constants in named data.
 */

/** The lowercase hex SHA-256 digest of the bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Web Crypto reads the view in place (the bytes are never in a SharedArrayBuffer here).
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
