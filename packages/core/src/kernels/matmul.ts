/**
 * Dense matrix products for the portable path: `mm`/`bmm`/`addmm` (`a · b` with `b` stored
 * `[inner, columns]`, as the decomposed linear leaves the transposed weight) and `linear`
 * (`a · bᵀ` with the weight stored `[columns, inner]`). They dominate run time when nothing is
 * delegated, so they are tight typed-array loops: blocks of 4 rows × 4 columns whose 16 sums stay
 * in registers (prefill), and for fewer than 4 rows (decode) one streamed pass over `b` — four
 * rows of `b` at a time for `a · b`, four-way dot products for `a · bᵀ`. Sums are accumulated in
 * float64 (at least as accurate as torch's float32 BLAS) and rounded once on store.
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

/** Width of the column panels of the blocked product (a 2048-deep float32 panel is 512 KiB). */
const PANEL_COLUMNS = 64;

/** Writes one finished sum, applying the epilogue. */
type Emit = (row: number, column: number, sum: number) => void;

function emitter(out: MatrixOperand, epilogue: MatmulEpilogue | undefined): Emit {
  const data = out.data;
  const { offset, rowStride } = out;
  if (!epilogue) {
    return (row, column, sum) => {
      data[offset + row * rowStride + column] = sum;
    };
  }
  const { alpha, beta } = epilogue;
  return (row, column, sum) => {
    const product = alpha === 1 ? sum : alpha * sum;
    data[offset + row * rowStride + column] = beta === 0 ? product : product + beta * epilogue.biasAt(row, column);
  };
}

/**
 * The 4×4 register-blocked product over full blocks of rows and columns: `transposed` reads `b`
 * as `[columns, inner]`, otherwise as `[inner, columns]`. Returns how many rows it covered.
 */
function blocked(a: MatrixOperand, b: MatrixOperand, rows: number, inner: number, columns: number, transposed: boolean, emit: Emit): number {
  const x = a.data;
  const y = b.data;
  const fullRows = rows - (rows % 4);
  const fullColumns = columns - (columns % 4);
  // Columns go in panels whose slice of `b` stays in cache while every row block passes over it.
  for (let panel = 0; panel < fullColumns; panel += PANEL_COLUMNS) {
    const panelEnd = Math.min(panel + PANEL_COLUMNS, fullColumns);
    for (let row = 0; row < fullRows; row += 4) {
      const x0 = a.offset + row * a.rowStride;
      const x1 = x0 + a.rowStride;
      const x2 = x1 + a.rowStride;
      const x3 = x2 + a.rowStride;
      for (let column = panel; column < panelEnd; column += 4) {
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        // Element p of output column `column + j` sits at y[base_j + p·step].
        const step = transposed ? 1 : b.rowStride;
        const y0 = transposed ? b.offset + column * b.rowStride : b.offset + column;
        const y1 = transposed ? y0 + b.rowStride : y0 + 1;
        const y2 = transposed ? y1 + b.rowStride : y0 + 2;
        const y3 = transposed ? y2 + b.rowStride : y0 + 3;
        for (let p = 0, q = 0; p < inner; p++, q += step) {
          const w0 = y[y0 + q]!;
          const w1 = y[y1 + q]!;
          const w2 = y[y2 + q]!;
          const w3 = y[y3 + q]!;
          const v0 = x[x0 + p]!;
          const v1 = x[x1 + p]!;
          const v2 = x[x2 + p]!;
          const v3 = x[x3 + p]!;
          s00 += v0 * w0; s01 += v0 * w1; s02 += v0 * w2; s03 += v0 * w3;
          s10 += v1 * w0; s11 += v1 * w1; s12 += v1 * w2; s13 += v1 * w3;
          s20 += v2 * w0; s21 += v2 * w1; s22 += v2 * w2; s23 += v2 * w3;
          s30 += v3 * w0; s31 += v3 * w1; s32 += v3 * w2; s33 += v3 * w3;
        }
        emit(row, column, s00); emit(row, column + 1, s01); emit(row, column + 2, s02); emit(row, column + 3, s03);
        emit(row + 1, column, s10); emit(row + 1, column + 1, s11); emit(row + 1, column + 2, s12); emit(row + 1, column + 3, s13);
        emit(row + 2, column, s20); emit(row + 2, column + 1, s21); emit(row + 2, column + 2, s22); emit(row + 2, column + 3, s23);
        emit(row + 3, column, s30); emit(row + 3, column + 1, s31); emit(row + 3, column + 2, s32); emit(row + 3, column + 3, s33);
      }
    }
  }
  for (let row = 0; row < fullRows; row += 4) {
    for (let column = fullColumns; column < columns; column++) {
      for (let r = row; r < row + 4; r++) {
        let sum = 0;
        const xr = a.offset + r * a.rowStride;
        if (transposed) for (let p = 0, yc = b.offset + column * b.rowStride; p < inner; p++) sum += x[xr + p]! * y[yc + p]!;
        else for (let p = 0, yc = b.offset + column; p < inner; p++, yc += b.rowStride) sum += x[xr + p]! * y[yc]!;
        emit(r, column, sum);
      }
    }
  }
  return fullRows;
}

/** `out[rows × columns] = a[rows × inner] · b[inner × columns]` (then the epilogue, if any). */
export function matmul(a: MatrixOperand, b: MatrixOperand, out: MatrixOperand, rows: number, inner: number, columns: number, epilogue?: MatmulEpilogue): void {
  const emit = emitter(out, epilogue);
  const x = a.data;
  const y = b.data;
  const accumulator = new Float64Array(columns);
  for (let row = blocked(a, b, rows, inner, columns, false, emit); row < rows; row++) {
    accumulator.fill(0);
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
      for (let c = 0; c < columns; c++) accumulator[c] += v0 * y[b0 + c]! + v1 * y[b1 + c]! + v2 * y[b2 + c]! + v3 * y[b3 + c]!;
    }
    for (; p < inner; p++) {
      const v = x[aRow + p]!;
      const bRow = b.offset + p * b.rowStride;
      for (let c = 0; c < columns; c++) accumulator[c] += v * y[bRow + c]!;
    }
    for (let c = 0; c < columns; c++) emit(row, c, accumulator[c]!);
  }
}

/** `out[rows × columns] = a[rows × inner] · b[columns × inner]ᵀ` (then the epilogue, if any). */
export function matmulTransposed(a: MatrixOperand, b: MatrixOperand, out: MatrixOperand, rows: number, inner: number, columns: number, epilogue?: MatmulEpilogue): void {
  const emit = emitter(out, epilogue);
  const x = a.data;
  const y = b.data;
  for (let row = blocked(a, b, rows, inner, columns, true, emit); row < rows; row++) {
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
      emit(row, c, s0 + s1 + (s2 + s3));
    }
  }
}
