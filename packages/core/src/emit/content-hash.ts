/**
 * A fast 64-bit content hash (FNV-1a over 32-bit words) used to deduplicate constant buffers and
 * delegate payloads. Collisions are harmless: equal hashes are confirmed byte by byte.
 */

export function contentHash(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ bytes.length;
  const words = bytes.length >>> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) {
    const w = view.getUint32(i * 4, true);
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ (w >>> 16) ^ (w << 16), 0x85ebca6b);
  }
  for (let i = words * 4; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i]!, 0x85ebca6b);
  }
  return `${bytes.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Interns byte blobs: identical contents get the same index. */
export class BlobTable {
  private readonly byHash = new Map<string, number[]>();
  readonly blobs: Uint8Array[] = [];

  constructor(initial: readonly Uint8Array[] = []) {
    for (const blob of initial) this.blobs.push(blob);
  }

  intern(bytes: Uint8Array): number {
    const hash = contentHash(bytes);
    const candidates = this.byHash.get(hash) ?? [];
    for (const index of candidates) if (bytesEqual(this.blobs[index]!, bytes)) return index;
    const index = this.blobs.length;
    this.blobs.push(bytes);
    candidates.push(index);
    this.byHash.set(hash, candidates);
    return index;
  }
}
