/**
 * Elementwise functions of one tensor: neg, abs, exp, log, sqrt, rsqrt, reciprocal, sin, cos,
 * tanh and the other trigonometric and hyperbolic functions, sigmoid, relu, silu, gelu, hardtanh,
 * leaky_relu, elu, erf, expm1, log1p, log2, log10, floor, ceil, trunc, round (half to even), sign,
 * isnan, isinf, logical_not, bitwise_not. Transcendental ops on integer or bool tensors produce
 * float32, as torch promotes them. Where torch evaluates a formula in float32 step by step
 * (`rsqrt = 1 / sqrt(x)`, `sigmoid = 1 / (1 + exp(-x))`), each step is rounded to float32 for
 * float32 (and half/bfloat16, whose math torch does in float32) results.
 */

import { tensorMeta, type TensorMeta } from '../../ir/meta.js';
import { mapUnary } from '../../kernels/broadcast.js';
import { erf } from '../../kernels/erf.js';
import { nearbyint } from '../../kernels/quantize.js';
import type { Tensor } from '../../kernels/tensor.js';
import { ScalarType, isFloatingType, isIntegralType, scalarTypeName } from '../../scalar-type.js';
import { type OperatorDefinition, defineOperator } from '../definition.js';
import type { MetaArgs } from '../meta-args.js';
import type { RuntimeArgs } from '../runtime-args.js';
import { floatResultType } from '../shape-rules.js';

type Round = (value: number) => number;
type UnaryFunction = (x: number) => number;

/** What dtype a unary op produces from its input's, and which inputs it accepts. */
type ResultRule = 'same' | 'float' | 'floating-only' | 'bool' | 'integral-only' | 'numeric';

const identity: Round = (value) => value;

/** Float32 rounding of intermediates for dtypes torch computes in float32. */
function roundFor(dtype: ScalarType): Round {
  return dtype === ScalarType.DOUBLE || !isFloatingType(dtype) ? identity : Math.fround;
}

function resultDtype(args: { fail(message: string): never }, rule: ResultRule, dtype: ScalarType): ScalarType {
  const name = scalarTypeName(dtype);
  switch (rule) {
    case 'float':
      if (!isFloatingType(dtype) && !isIntegralType(dtype, true)) args.fail(`unsupported dtype ${name}`);
      return floatResultType(dtype);
    case 'floating-only':
      if (!isFloatingType(dtype)) args.fail(`needs a floating tensor, got ${name}`);
      return dtype;
    case 'bool':
      return ScalarType.BOOL;
    case 'integral-only':
      if (!isIntegralType(dtype, true)) args.fail(`needs an integral or bool tensor, got ${name}`);
      return dtype;
    case 'numeric':
      if (dtype === ScalarType.BOOL) args.fail('is not defined for bool tensors');
      return dtype;
    case 'same':
      return dtype;
  }
}

function gelu(round: Round, approximate: string, fail: (message: string) => never): UnaryFunction {
  if (approximate === 'none') return (x) => round(x * 0.5) * round(1 + round(erf(round(x * Math.SQRT1_2))));
  if (approximate === 'tanh') {
    const beta = Math.sqrt(2 / Math.PI);
    return (x) => {
      const inner = round(beta * round(x + round(0.044715 * round(x * round(x * x)))));
      return round(round(0.5 * x) * round(1 + round(Math.tanh(inner))));
    };
  }
  return fail(`approximate must be 'none' or 'tanh', got '${approximate}'`);
}

interface UnarySpec {
  name: string;
  rule: ResultRule;
  /** The function for an out dtype; `args` gives access to extra arguments (gelu's `approximate`). */
  fn(round: Round, args: RuntimeArgs, out: Tensor): UnaryFunction;
  inplace?: boolean;
  /** Extra arguments after `self`, in schema syntax (kwarg-only ones after `*`). */
  extra?: string;
}

const SPECS: UnarySpec[] = [
  { name: 'neg', rule: 'numeric', fn: () => (x) => -x, inplace: true },
  { name: 'abs', rule: 'numeric', fn: () => Math.abs, inplace: true },
  { name: 'exp', rule: 'float', fn: () => Math.exp, inplace: true },
  { name: 'log', rule: 'float', fn: () => Math.log, inplace: true },
  { name: 'sqrt', rule: 'float', fn: () => Math.sqrt, inplace: true },
  { name: 'rsqrt', rule: 'float', fn: (round) => (x) => 1 / round(Math.sqrt(x)), inplace: true },
  { name: 'reciprocal', rule: 'float', fn: () => (x) => 1 / x, inplace: true },
  { name: 'sin', rule: 'float', fn: () => Math.sin, inplace: true },
  { name: 'cos', rule: 'float', fn: () => Math.cos, inplace: true },
  { name: 'tanh', rule: 'float', fn: () => Math.tanh, inplace: true },
  { name: 'sigmoid', rule: 'float', fn: (round) => (x) => 1 / round(1 + round(Math.exp(-x))), inplace: true },
  { name: 'relu', rule: 'numeric', fn: () => (x) => (x < 0 ? 0 : x), inplace: true },
  { name: 'silu', rule: 'floating-only', fn: (round) => (x) => x / round(1 + round(Math.exp(-x))), inplace: true },
  {
    name: 'gelu',
    rule: 'floating-only',
    extra: '*, str approximate="none"',
    fn: (round, args) => gelu(round, args.str('approximate'), (message) => args.fail(message)),
    inplace: true,
  },
  { name: 'tan', rule: 'float', fn: () => Math.tan, inplace: true },
  { name: 'sinh', rule: 'float', fn: () => Math.sinh, inplace: true },
  { name: 'cosh', rule: 'float', fn: () => Math.cosh, inplace: true },
  { name: 'asin', rule: 'float', fn: () => Math.asin, inplace: true },
  { name: 'acos', rule: 'float', fn: () => Math.acos, inplace: true },
  { name: 'asinh', rule: 'float', fn: () => Math.asinh, inplace: true },
  { name: 'acosh', rule: 'float', fn: () => Math.acosh, inplace: true },
  { name: 'atanh', rule: 'float', fn: () => Math.atanh, inplace: true },
  {
    name: 'hardtanh',
    rule: 'numeric',
    extra: 'Scalar min_val=-1, Scalar max_val=1',
    fn: (round, args) => {
      const low = round(args.float('min_val'));
      const high = round(args.float('max_val'));
      return (x) => (x < low ? low : x > high ? high : x);
    },
    inplace: true,
  },
  {
    name: 'leaky_relu',
    rule: 'floating-only',
    extra: 'Scalar negative_slope=0.01',
    fn: (round, args) => {
      const slope = round(args.float('negative_slope'));
      return (x) => (x > 0 ? x : x * slope);
    },
    inplace: true,
  },
  {
    name: 'elu',
    rule: 'floating-only',
    extra: 'Scalar alpha=1, Scalar scale=1, Scalar input_scale=1',
    fn: (round, args) => {
      const alpha = round(args.float('alpha'));
      const scale = round(args.float('scale'));
      const inputScale = round(args.float('input_scale'));
      return (x) => (x > 0 ? round(x * scale) : round(round(round(Math.expm1(round(x * inputScale))) * alpha) * scale));
    },
    inplace: true,
  },
  { name: 'erf', rule: 'float', fn: () => erf, inplace: true },
  { name: 'expm1', rule: 'float', fn: () => Math.expm1, inplace: true },
  { name: 'log1p', rule: 'float', fn: () => Math.log1p, inplace: true },
  { name: 'log2', rule: 'float', fn: () => Math.log2, inplace: true },
  { name: 'log10', rule: 'float', fn: () => Math.log10, inplace: true },
  { name: 'atan', rule: 'float', fn: () => Math.atan, inplace: true },
  { name: 'floor', rule: 'numeric', fn: () => Math.floor, inplace: true },
  { name: 'ceil', rule: 'numeric', fn: () => Math.ceil, inplace: true },
  { name: 'trunc', rule: 'numeric', fn: () => Math.trunc, inplace: true },
  { name: 'round', rule: 'numeric', fn: () => nearbyint, inplace: true },
  { name: 'sign', rule: 'numeric', fn: () => (x) => (x > 0 ? 1 : x < 0 ? -1 : x), inplace: true },
  { name: 'isnan', rule: 'bool', fn: () => (x) => (x !== x ? 1 : 0) },
  { name: 'isinf', rule: 'bool', fn: () => (x) => (x === Infinity || x === -Infinity ? 1 : 0) },
  { name: 'logical_not', rule: 'bool', fn: () => (x) => (x === 0 ? 1 : 0) },
  { name: 'bitwise_not', rule: 'integral-only', fn: (_round, _args, out) => (out.dtype === ScalarType.BOOL ? (x) => (x === 0 ? 1 : 0) : (x) => -x - 1) },
];

function schemas(spec: UnarySpec): { functional: string; out: string; inplace?: string } {
  const extra = spec.extra ? `, ${spec.extra}` : '';
  const outExtra = spec.extra ? `, ${spec.extra}${spec.extra.includes('*') ? '' : ', *'}, Tensor(a!) out` : ', *, Tensor(a!) out';
  return {
    functional: `aten::${spec.name}(Tensor self${extra}) -> Tensor`,
    out: `aten::${spec.name}.out(Tensor self${outExtra}) -> Tensor(a!)`,
    ...(spec.inplace ? { inplace: `aten::${spec.name}_(Tensor(a!) self${extra}) -> Tensor(a!)` } : {}),
  };
}

function unaryFamily(spec: UnarySpec): OperatorDefinition[] {
  return defineOperator({
    ...schemas(spec),
    infer(args: MetaArgs): TensorMeta[] {
      const self = args.tensor('self');
      return [tensorMeta(resultDtype(args, spec.rule, self.dtype), self.shape)];
    },
    compute(args, [out]) {
      const self = args.tensor('self');
      resultDtype(args, spec.rule, self.dtype);
      mapUnary(self, out!, spec.fn(roundFor(out!.dtype), args, out!));
    },
  });
}

/** The unary elementwise operators (functional, `.out`, and in-place where torch has one). */
export function unaryOperators(): OperatorDefinition[] {
  return SPECS.flatMap(unaryFamily);
}
