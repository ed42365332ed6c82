// Float32 batch matrix multiplication (XNNPACK's batch_matrix_multiply): y[b] = a[b] · B[b], with B
// given either as [k, n] or transposed as [n, k]. The transposed form is a fully connected layer
// per batch; the plain form accumulates scaled rows of B, vectorized along n.

import { linearF32 } from './linear-f32';

/** y[batch, m, n] = a[batch, m, k] · b[batch, k, n], or · b[batch, n, k]ᵀ when `transposeB` is set. */
export function batchMatmulF32(a: usize, b: usize, y: usize, batch: i32, m: i32, k: i32, n: i32, transposeB: bool): void {
  const aBatchBytes = <usize>m * <usize>k << 2;
  const bBatchBytes = <usize>k * <usize>n << 2;
  const yBatchBytes = <usize>m * <usize>n << 2;
  for (let index = 0; index < batch; index++) {
    const aBatch = a + <usize>index * aBatchBytes;
    const bBatch = b + <usize>index * bBatchBytes;
    const yBatch = y + <usize>index * yBatchBytes;
    if (transposeB) {
      linearF32(aBatch, k, bBatch, k, 0, yBatch, n, m, k, n);
      continue;
    }
    for (let row = 0; row < m; row++) {
      const yRow = yBatch + (<usize>row * <usize>n << 2);
      memory.fill(yRow, 0, <usize>n << 2);
      for (let inner = 0; inner < k; inner++) {
        const alpha = load<f32>(aBatch + ((<usize>row * <usize>k + <usize>inner) << 2));
        const bRow = bBatch + (<usize>inner * <usize>n << 2);
        let column = 0;
        if (ASC_FEATURE_SIMD) {
          const alphaVector = f32x4.splat(alpha);
          for (; column + 4 <= n; column += 4) {
            const offset = <usize>column << 2;
            v128.store(yRow + offset, f32x4.add(v128.load(yRow + offset), f32x4.mul(alphaVector, v128.load(bRow + offset))));
          }
        }
        for (; column < n; column++) {
          const offset = <usize>column << 2;
          store<f32>(yRow + offset, load<f32>(yRow + offset) + alpha * load<f32>(bRow + offset));
        }
      }
    }
  }
}
