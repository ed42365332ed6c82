/**
 * Test support: kernels that quantize the activations of int8 linears with one scale for the
 * whole input (torch's `choose_qparams.tensor` / `quantize_per_tensor`, then a float linear on
 * the dequantized values), as the exported Python graph of ExecuTorch's 8-bit reference exports
 * does when it records `ref_io`. XNNPACK quantizes per token instead; wrapping the real kernels
 * with this shows that this granularity is the only difference on multi-token steps.
 */

import { hostActivations } from '../src/kernels/host-activations.js';
import type { LinearWeights, PreparedLinear, XnnKernels } from '../src/kernels/xnn-kernels.js';

/** torch's minimum scale for `choose_qparams.tensor` in the 8-bit exports (2^-12). */
const MINIMUM_SCALE = 0.000244140625;

export function perTensorActivationKernels(base: XnnKernels): XnnKernels {
  const weightsOf = new Map<PreparedLinear, LinearWeights>();
  const f = Math.fround;
  const kernels: XnnKernels = {
    ...base,
    // Planned graphs keep activations in host memory here, so that they reach `linear` below.
    get activations() {
      return activations;
    },
    prepareLinear(weights) {
      const prepared = base.prepareLinear(weights);
      weightsOf.set(prepared, weights);
      return prepared;
    },
    linear(prepared, input, rows, output) {
      const weights = weightsOf.get(prepared)!;
      if (weights.kind !== 'qc8w') return base.linear(prepared, input, rows, output);
      const k = weights.inFeatures;
      let min = 0;
      let max = 0;
      for (let i = 0; i < rows * k; i++) {
        min = Math.min(min, input[i]!);
        max = Math.max(max, input[i]!);
      }
      const scale = Math.max(f((max - min) / 255), MINIMUM_SCALE);
      const zeroPoint = Math.min(127, Math.max(-128, Math.round(-128 - min / scale)));
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < weights.outFeatures; o++) {
          let sum = 0;
          for (let x = 0; x < k; x++) {
            const q = Math.min(127, Math.max(-128, Math.round(f(input[r * k + x]! / scale)) + zeroPoint));
            sum += f(f((q - zeroPoint) * scale) * f(weights.weights[o * k + x]! * weights.scales[o]!));
          }
          output[r * weights.outFeatures + o] = f(sum + (weights.bias?.[o] ?? 0));
        }
      }
    },
  };
  const activations = hostActivations(kernels);
  return kernels;
}
