/**
 * Elementwise operators: binary arithmetic on two fp32 tensors (broadcasting) or a tensor and a
 * scalar, and unary math. `sub`/`add` with alpha ≠ 1 scale the second operand first; `silu`
 * becomes sigmoid then multiply; `relu` a clamp; `pow` with exponent 2 a square.
 */

import type { Node, NodeArgument } from '@etch/core';
import { type SupportContext, numberOf } from '../partition/support-context.js';
import { type Support, type XnnpackOperator, declined, supported } from './operator.js';

type BinaryKind = 'Add' | 'Subtract' | 'Multiply' | 'Div' | 'Maximum' | 'Minimum';
type UnaryKind = 'Sigmoid' | 'Negate' | 'SquareRoot' | 'ReciprocalSquareRoot' | 'Abs' | 'Exp' | 'Log' | 'Tanh' | 'Sin' | 'Cos' | 'Gelu';

const MAX_RANK = 6;

function checkFloatOperands(node: Node, context: SupportContext, tensors: number): Support {
  if (!context.producesFloat(node)) return declined('output is not fp32');
  for (let i = 0; i < tensors; i++) {
    if (!context.isFloatTensor(node.args[i])) return declined(`operand ${i} is not an fp32 tensor`);
    if ((context.rank(node.args[i]) ?? 0) > MAX_RANK) return declined(`XNNPACK tensors have at most ${MAX_RANK} dimensions`);
  }
  return supported;
}

function binaryTensor(target: string, kind: BinaryKind, options: { alpha?: boolean; roundingMode?: boolean } = {}): XnnpackOperator {
  return {
    target,
    check(node, context) {
      if (options.alpha && numberOf(node.args[2]) === undefined) return declined('alpha is not a number');
      if (options.roundingMode && node.args[2]?.kind !== 'none') return declined('only true division (rounding_mode None)');
      return checkFloatOperands(node, context, 2);
    },
    lower(node, builder) {
      const a = builder.valueOf(node.args[0]);
      let b = builder.valueOf(node.args[1]);
      const alpha = options.alpha ? numberOf(node.args[2])! : 1;
      if (alpha !== 1) {
        const scaled = builder.internal(builder.dimsOf(node.args[1] as NodeArgument));
        builder.add({ kind: 'Multiply', input1Id: b, input2Id: builder.scalar(alpha), outputId: scaled, flags: 0 });
        b = scaled;
      }
      builder.add({ kind, input1Id: a, input2Id: b, outputId: builder.result(node), flags: 0 });
    },
  };
}

function binaryScalar(target: string, kind: BinaryKind, options: { alpha?: boolean } = {}): XnnpackOperator {
  return {
    target,
    check(node, context) {
      if (numberOf(node.args[1]) === undefined) return declined('the scalar operand is not a number');
      if (options.alpha && numberOf(node.args[2]) === undefined) return declined('alpha is not a number');
      return checkFloatOperands(node, context, 1);
    },
    lower(node, builder) {
      const alpha = options.alpha ? numberOf(node.args[2])! : 1;
      const operand = Math.fround(numberOf(node.args[1])! * alpha);
      builder.add({ kind, input1Id: builder.valueOf(node.args[0]), input2Id: builder.scalar(operand), outputId: builder.result(node), flags: 0 });
    },
  };
}

function unary(target: string, kind: UnaryKind): XnnpackOperator {
  return {
    target,
    check: (node, context) => checkFloatOperands(node, context, 1),
    lower(node, builder) {
      builder.add({ kind, inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
    },
  };
}

const silu: XnnpackOperator = {
  target: 'aten::silu',
  check: (node, context) => checkFloatOperands(node, context, 1),
  lower(node, builder) {
    const input = builder.valueOf(node.args[0]);
    const gate = builder.internal(builder.dimsOf(node.args[0] as NodeArgument));
    builder.add({ kind: 'Sigmoid', inputId: input, outputId: gate, flags: 0 });
    builder.add({ kind: 'Multiply', input1Id: input, input2Id: gate, outputId: builder.result(node), flags: 0 });
  },
};

const relu: XnnpackOperator = {
  target: 'aten::relu',
  check: (node, context) => checkFloatOperands(node, context, 1),
  lower(node, builder) {
    builder.add({ kind: 'Clamp', inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0, outputMinMax: { min: 0, max: Infinity } });
  },
};

const square: XnnpackOperator = {
  target: 'aten::pow.Tensor_Scalar',
  check(node, context) {
    if (numberOf(node.args[1]) !== 2) return declined('only the exponent 2 (XNNPACK square)');
    return checkFloatOperands(node, context, 1);
  },
  lower(node, builder) {
    builder.add({ kind: 'Square', inputId: builder.valueOf(node.args[0]), outputId: builder.result(node), flags: 0 });
  },
};

const UNARY: [string, UnaryKind][] = [
  ['aten::sigmoid', 'Sigmoid'],
  ['aten::neg', 'Negate'],
  ['aten::sqrt', 'SquareRoot'],
  ['aten::rsqrt', 'ReciprocalSquareRoot'],
  ['aten::abs', 'Abs'],
  ['aten::exp', 'Exp'],
  ['aten::log', 'Log'],
  ['aten::tanh', 'Tanh'],
  ['aten::sin', 'Sin'],
  ['aten::cos', 'Cos'],
];

/** The elementwise operator entries. */
export function elementwiseOperators(): XnnpackOperator[] {
  const gelu = unary('aten::gelu', 'Gelu');
  return [
    binaryTensor('aten::add.Tensor', 'Add', { alpha: true }),
    binaryTensor('aten::sub.Tensor', 'Subtract', { alpha: true }),
    binaryTensor('aten::mul.Tensor', 'Multiply'),
    binaryTensor('aten::div.Tensor', 'Div'),
    binaryTensor('aten::maximum', 'Maximum'),
    binaryTensor('aten::minimum', 'Minimum'),
    binaryScalar('aten::add.Scalar', 'Add', { alpha: true }),
    binaryScalar('aten::sub.Scalar', 'Subtract', { alpha: true }),
    binaryScalar('aten::mul.Scalar', 'Multiply'),
    binaryScalar('aten::div.Scalar', 'Div'),
    ...UNARY.map(([target, kind]) => unary(target, kind)),
    {
      ...gelu,
      check: (node, context) => (node.args[1]?.kind === 'str' && node.args[1].value !== 'none' ? declined("only approximate='none'") : checkFloatOperands(node, context, 1)),
    },
    silu,
    relu,
    square,
  ];
}
