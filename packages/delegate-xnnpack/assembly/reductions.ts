// Lane reductions and partial stores shared by the integer kernels.

/** Sum of the four int32 lanes. */
@inline export function horizontalSumI32(vector: v128): i32 {
  return (i32x4.extract_lane(vector, 0) + i32x4.extract_lane(vector, 1)) + (i32x4.extract_lane(vector, 2) + i32x4.extract_lane(vector, 3));
}

/** [Σa, Σb, Σc, Σd] of four int32x4 vectors (one transpose-add instead of four horizontal sums). */
@inline export function transposeSumI32(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** Stores the first `channels` lanes of `values` at `target`. */
@inline export function storeLanes(target: usize, values: v128, channels: i32): void {
  if (channels == 4) {
    v128.store(target, values);
    return;
  }
  store<f32>(target, f32x4.extract_lane(values, 0));
  if (channels > 1) store<f32>(target, f32x4.extract_lane(values, 1), 4);
  if (channels > 2) store<f32>(target, f32x4.extract_lane(values, 2), 8);
}
