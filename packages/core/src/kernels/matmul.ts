/**
 * Dense matrix products for the portable path: `mm`/`bmm`/`addmm` (`a · b` with `b` stored
 * `[inner, columns]`, as the decomposed linear leaves the transposed weight) and `linear`
 * (`a · bᵀ` with the weight stored `[columns, inner]`). They dominate decode time when nothing is
 * delegated, so they are written as tight typed-array loops: rows of `a` in blocks of four
 * sharing each streamed row of `b`, and four-way dot products for the transposed form. Sums are
 * accumulated in float64 (at least as accurate as torch's float32 BLAS) and rounded once on store.
 */

/** A float matrix operand: row `r` starts at `offset + r · rowStride` and is contiguous. */
export interface MatrixOperand {
  readonly data: Float32Array | Float64Array;
  readonly offset: number;
  readonly rowStride: number;
}

/** Optional `beta · bias + alpha · product` epilogue (addmm); `bias` is read through `biasAt`. */
export interface MatmulEpilogue {
  readonly alpha: number;
  readonly beta: number;
  /** Bias value for output row `r`, column `c`. */
  biasAt(row: number, column: number): number;
}

function store(out: MatrixOperand, row: number, accumulator: Float64Array, columns: number, epilogue: MatmulEpilogue | undefined): void {
  const data = out.data;
  const base = out.offset + row * out.rowStride;
  if (!epilogue) {
    for (let c = 0; c < columns; c++) data[base + c] = accumulator[c]!;
    return;
  }
  const { alpha, beta } = epilogue;
  for (let c = 0; c < columns; c++) {
    const product = alpha === 1 ? accumulator[c]! : alpha * accumulator[c]!;
    data[base + c] = beta === 0 ? product : product + beta * epilogue.biasAt(row, c);
  }
}

/** `out[rows × columns] = a[rows × inner] · b[inner × columns]` (then the epilogue, if any). */
export function matmul(a: MatrixOperand, b: MatrixOperand, out: MatrixOperand, rows: number, inner: number, columns: number, epilogue?: MatmulEpilogue): void {
  const x = a.data;
  const y = b.data;
  const accumulators = [new Float64Array(columns), new Float64Array(columns), new Float64Array(columns), new Float64Array(columns)] as const;
  const [acc0, acc1, acc2, acc3] = accumulators;
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    acc0.fill(0);
    acc1.fill(0);
    acc2.fill(0);
    acc3.fill(0);
    const a0 = a.offset + row * a.rowStride;
    const a1 = a0 + a.rowStride;
    const a2 = a1 + a.rowStride;
    const a3 = a2 + a.rowStride;
    for (let p = 0; p < inner; p++) {
      const v0 = x[a0 + p]!;
      const v1 = x[a1 + p]!;
      const v2 = x[a2 + p]!;
      const v3 = x[a3 + p]!;
      const bRow = b.offset + p * b.rowStride;
      for (let c = 0; c < columns; c++) {
        const w = y[bRow + c]!;
        acc0[c] += v0 * w;
        acc1[c] += v1 * w;
        acc2[c] += v2 * w;
        acc3[c] += v3 * w;
      }
    }
    for (let r = 0; r < 4; r++) store(out, row + r, accumulators[r]!, columns, epilogue);
  }
  for (; row < rows; row++) {
    acc0.fill(0);
    const aRow = a.offset + row * a.rowStride;
    let p = 0;
    for (; p + 4 <= inner; p += 4) {
      const v0 = x[aRow + p]!;
      const v1 = x[aRow + p + 1]!;
      const v2 = x[aRow + p + 2]!;
      const v3 = x[aRow + p + 3]!;
      const b0 = b.offset + p * b.rowStride;
      const b1 = b0 + b.rowStride;
      const b2 = b1 + b.rowStride;
      const b3 = b2 + b.rowStride;
      for (let c = 0; c < columns; c++) acc0[c] += v0 * y[b0 + c]! + v1 * y[b1 + c]! + v2 * y[b2 + c]! + v3 * y[b3 + c]!;
    }
    for (; p < inner; p++) {
      const v = x[aRow + p]!;
      const bRow = b.offset + p * b.rowStride;
      for (let c = 0; c < columns; c++) acc0[c] += v * y[bRow + c]!;
    }
    store(out, row, acc0, columns, epilogue);
  }
}

/** `out[rows × columns] = a[rows × inner] · b[columns × inner]ᵀ` (then the epilogue, if any). */
export function matmulTransposed(a: MatrixOperand, b: MatrixOperand, out: MatrixOperand, rows: number, inner: number, columns: number, epilogue?: MatmulEpilogue): void {
  const x = a.data;
  const y = b.data;
  const accumulator = new Float64Array(columns);
  for (let row = 0; row < rows; row++) {
    const aRow = a.offset + row * a.rowStride;
    for (let c = 0; c < columns; c++) {
      const bRow = b.offset + c * b.rowStride;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p + 4 <= inner; p += 4) {
        s0 += x[aRow + p]! * y[bRow + p]!;
        s1 += x[aRow + p + 1]! * y[bRow + p + 1]!;
        s2 += x[aRow + p + 2]! * y[bRow + p + 2]!;
        s3 += x[aRow + p + 3]! * y[bRow + p + 3]!;
      }
      for (; p < inner; p++) s0 += x[aRow + p]! * y[bRow + p]!;
      accumulator[c] = s0 + s1 + (s2 + s3);
    }
    store(out, row, accumulator, columns, epilogue);
  }
}
