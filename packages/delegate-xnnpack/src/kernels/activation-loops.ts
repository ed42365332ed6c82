/**
 * The elementwise kernels of `ActivationMemory` as host loops over a float32 view: the
 * TypeScript kernel set uses them, and the WebAssembly kernels are tested against them. exp is
 * `Math.exp` rounded to float32, which XNNPACK's polynomial matches within a few ulp.
 */

import { BINARY_OPERATORS, UNARY_OPERATORS } from './activation-memory.js';

const f = Math.fround;

const BINARY: readonly ((x: number, y: number) => number)[] = BINARY_OPERATORS.map((name) => {
  switch (name) {
    case 'Add':
      return (x: number, y: number) => x + y;
    case 'Subtract':
      return (x: number, y: number) => x - y;
    case 'Multiply':
      return (x: number, y: number) => x * y;
    case 'Div':
      return (x: number, y: number) => x / y;
    case 'Maximum':
      return (x: number, y: number) => (x > y ? x : y);
    case 'Minimum':
      return (x: number, y: number) => (x < y ? x : y);
  }
});

const UNARY: readonly ((x: number) => number)[] = UNARY_OPERATORS.map((name) => {
  switch (name) {
    case 'Negate':
      return (x: number) => -x;
    case 'Square':
      return (x: number) => x * x;
    case 'ReciprocalSquareRoot':
      return (x: number) => 1 / Math.sqrt(x);
    case 'SquareRoot':
      return (x: number) => Math.sqrt(x);
    case 'Abs':
      return (x: number) => Math.abs(x);
    case 'Sigmoid':
      return (x: number) => 1 / (1 + Math.exp(-x));
  }
});

/** `ActivationMemory.binary` over `memory` (addresses in bytes). */
export function binaryLoop(memory: Float32Array, operator: number, x: number, y: number, o: number, n: number, period: number, inner: number): void {
  const fn = BINARY[operator]!;
  const [xs, ys, os] = [x >> 2, y >> 2, o >> 2];
  for (let i = 0; i < n; i++) {
    const j = inner > 1 ? Math.floor(i / inner) : i % period;
    memory[os + i] = fn(memory[xs + i]!, memory[ys + j]!);
  }
}

/** `ActivationMemory.unary` over `memory`. */
export function unaryLoop(memory: Float32Array, operator: number, x: number, o: number, n: number): void {
  const fn = UNARY[operator]!;
  const [xs, os] = [x >> 2, o >> 2];
  for (let i = 0; i < n; i++) memory[os + i] = fn(memory[xs + i]!);
}

/** `ActivationMemory.softmax` over `memory`. */
export function softmaxLoop(memory: Float32Array, x: number, o: number, rows: number, width: number): void {
  for (let row = 0; row < rows; row++) {
    const xs = (x >> 2) + row * width;
    const os = (o >> 2) + row * width;
    let max = -Infinity;
    for (let i = 0; i < width; i++) max = Math.max(max, memory[xs + i]!);
    let sum = 0;
    for (let i = 0; i < width; i++) {
      const e = f(Math.exp(f(memory[xs + i]! - max)));
      memory[os + i] = e;
      sum = f(sum + e);
    }
    const reciprocal = f(1 / sum);
    for (let i = 0; i < width; i++) memory[os + i] = memory[os + i]! * reciprocal;
  }
}
