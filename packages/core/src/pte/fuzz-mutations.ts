/**
 * Deterministic mutations of valid files for fuzzing the `.pte`/`.ptd` readers: truncation,
 * bit flips, overwritten 32-bit words (offsets and lengths are where readers break), copied
 * chunks and cut-out ranges. Seeded, so any failure reproduces from its seed and iteration.
 * Used by the in-suite fuzz test and by `pnpm fuzz` (tools/fuzz-pte-reader.ts).
 */

/** A small, fast, seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_WORDS = [0, 1, 2, 4, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** The mutation kinds, by name, for reporting. */
export const MUTATION_KINDS = ['truncate', 'flip-bits', 'overwrite-word', 'copy-chunk', 'cut-range', 'zero-range'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/**
 * A mutated copy of `input` (never modifies it). Offsets are biased towards the first 512
 * bytes, where headers, the root table and vtables live.
 */
export function mutate(input: Uint8Array, random: () => number): { bytes: Uint8Array; kind: MutationKind } {
  const kind = MUTATION_KINDS[Math.floor(random() * MUTATION_KINDS.length)]!;
  const position = (limit: number): number => {
    const bound = random() < 0.6 ? Math.min(limit, 512) : limit;
    return Math.floor(random() * Math.max(1, bound));
  };
  switch (kind) {
    case 'truncate':
      return { bytes: input.slice(0, position(input.length)), kind };
    case 'flip-bits': {
      const bytes = input.slice();
      const flips = 1 + Math.floor(random() * 8);
      for (let flip = 0; flip < flips; flip++) bytes[position(bytes.length)]! ^= 1 << Math.floor(random() * 8);
      return { bytes, kind };
    }
    case 'overwrite-word': {
      const bytes = input.slice();
      if (bytes.length < 4) return { bytes, kind };
      const at = Math.min(position(bytes.length), bytes.length - 4) & ~(random() < 0.8 ? 3 : 0);
      const word = random() < 0.7 ? INTERESTING_WORDS[Math.floor(random() * INTERESTING_WORDS.length)]! : Math.floor(random() * 4294967296);
      new DataView(bytes.buffer).setUint32(at, word >>> 0, true);
      return { bytes, kind };
    }
    case 'copy-chunk': {
      const bytes = input.slice();
      const length = 1 + Math.floor(random() * 32);
      const from = position(bytes.length);
      const to = position(bytes.length);
      bytes.copyWithin(to, from, from + length);
      return { bytes, kind };
    }
    case 'cut-range': {
      const from = position(input.length);
      const cut = Math.min(1 + Math.floor(random() * 64), input.length - from);
      const bytes = new Uint8Array(input.length - cut);
      bytes.set(input.subarray(0, from));
      bytes.set(input.subarray(from + cut), from);
      return { bytes, kind };
    }
    case 'zero-range': {
      const bytes = input.slice();
      const from = position(bytes.length);
      bytes.fill(0, from, from + 1 + Math.floor(random() * 16));
      return { bytes, kind };
    }
  }
}
