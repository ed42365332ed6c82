/**
 * Quantized weights as lazy constants. Quantizing a weight yields two constants (values and
 * scales) that the emitter reads one after the other; both come from one cached quantization of
 * the source weight. The cache belongs to one pass run and keeps only the most recent weight, so
 * an export quantizes each weight once and never holds more than one quantized weight at a time.
 */

import type { ConstantData } from '../ir/program.js';
import type { Tensor } from '../kernels/tensor.js';
import type { ScalarType } from '../scalar-type.js';

export interface QuantizedParts {
  readonly values: Tensor;
  readonly scales: Tensor;
}

export interface QuantizedConstants {
  readonly values: ConstantData;
  readonly scales: ConstantData;
}

export interface ConstantShape {
  readonly dtype: ScalarType;
  readonly shape: readonly number[];
}

export class QuantizationCache {
  private source: ConstantData | undefined;
  private key: string | undefined;
  private parts: QuantizedParts | undefined;

  /** Lazily computed constants for `quantize(source.read())`, keyed by how it quantizes. */
  constants(source: ConstantData, key: string, shapes: { values: ConstantShape; scales: ConstantShape }, quantize: (weights: Tensor) => QuantizedParts): QuantizedConstants {
    const parts = (): QuantizedParts => {
      if (this.source !== source || this.key !== key || !this.parts) {
        this.parts = quantize(source.read());
        this.source = source;
        this.key = key;
      }
      return this.parts;
    };
    return {
      values: { dtype: shapes.values.dtype, shape: shapes.values.shape, read: () => parts().values },
      scales: { dtype: shapes.scales.dtype, shape: shapes.scales.shape, read: () => parts().scales },
    };
  }
}
