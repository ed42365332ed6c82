/**
 * The field layouts of the XNNPACK node tables and the order of the node union, as data. The
 * reader and writer walk these descriptions instead of one hand-written function per table, so
 * wire compatibility with `schema/xnnpack.fbs` (and ExecuTorch's XN01) lives in one place: a
 * field's position in its list is its flatbuffer slot, a kind's position in `NODE_KINDS` plus
 * one is its union type number.
 */

/** How one node field is stored: a 32-bit unsigned or signed integer, a float, or a uint vector. */
export type FieldKind = 'uint' | 'int' | 'float' | 'uints';

type Layout = readonly (readonly [name: string, kind: FieldKind])[];

/** A layout of 32-bit unsigned fields, one per name. */
const ids = <const Names extends readonly string[]>(...names: Names) => names.map((name) => [name, 'uint'] as const) as { readonly [I in keyof Names]: readonly [Names[I], 'uint'] };

/** Node table layouts, in slot order. */
export const NODE_LAYOUTS = {
  binary: [['input1Id', 'uint'], ['input2Id', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  unary: [['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  fullyConnected: [['input1Id', 'uint'], ['filterId', 'uint'], ['biasId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  transpose: [['numDims', 'uint'], ['perm', 'uints'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  resizeBilinear: [['newHeight', 'uint'], ['newWidth', 'uint'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  constantPad: [['prePaddings', 'uints'], ['postPaddings', 'uints'], ['paddingValue', 'float'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  concatenate: [['axis', 'uint'], ['input1Id', 'uint'], ['input2Id', 'uint'], ['input3Id', 'uint'], ['input4Id', 'uint'], ['outputId', 'uint'], ['flags', 'uint'], ['input5Id', 'uint']],
  elu: [['alpha', 'float'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  convolution: ids(
    'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'kernelHeight', 'kernelWidth', 'subsamplingHeight', 'subsamplingWidth',
    'dilationHeight', 'dilationWidth', 'groupInputChannels', 'groupOutputChannels', 'groups', 'adjustmentHeight', 'adjustmentWidth',
    'input1Id', 'filterId', 'biasId', 'outputId', 'flags',
  ),
  pooling: ids(
    'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'poolingHeight', 'poolingWidth', 'strideHeight', 'strideWidth',
    'dilationHeight', 'dilationWidth', 'inputId', 'outputId', 'flags',
  ),
  reshape: [['numDims', 'uint'], ['newShape', 'uints'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  slice: [['numDims', 'uint'], ['offsets', 'uints'], ['sizes', 'uints'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
  attention: ids('queryId', 'keyId', 'valueId', 'scaleId', 'maskId', 'outputId', 'flags'),
  argMaxPooling: ids('paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'poolingHeight', 'poolingWidth', 'inputId', 'outputValueId', 'outputIndexId', 'flags'),
  leakyRelu: [['negativeSlope', 'float'], ['inputId', 'uint'], ['outputId', 'uint'], ['flags', 'uint']],
} as const satisfies Record<string, Layout>;

/** The name of a node table layout (`binary`, `unary`, …). */
export type NodeLayoutName = keyof typeof NODE_LAYOUTS;

/** The node union, in wire order: entry i has union type number i + 1. */
export const NODE_KINDS = [
  ['Add', 'binary'],
  ['FullyConnected', 'fullyConnected'],
  ['Softmax', 'unary'],
  ['Sigmoid', 'unary'],
  ['StaticTranspose', 'transpose'],
  ['Clamp', 'unary'],
  ['Conv2d', 'convolution'],
  ['Div', 'binary'],
  ['StaticResizeBilinear2D', 'resizeBilinear'],
  ['StaticConstantPad', 'constantPad'],
  ['AvgPooling2d', 'pooling'],
  ['Minimum', 'binary'],
  ['DepthwiseConv2d', 'convolution'],
  ['MaxPooling2d', 'pooling'],
  ['Multiply', 'binary'],
  ['Subtract', 'binary'],
  ['Floor', 'unary'],
  ['Convert', 'unary'],
  ['GlobalAvgPooling2d', 'unary'],
  ['StaticReshape', 'reshape'],
  ['ArgMaxPooling2d', 'argMaxPooling'],
  ['SquareRoot', 'unary'],
  ['Ceiling', 'unary'],
  ['Hardswish', 'unary'],
  ['LeakyReLU', 'leakyRelu'],
  ['Maximum', 'binary'],
  ['Negate', 'unary'],
  ['Square', 'unary'],
  ['ELU', 'elu'],
  ['Abs', 'unary'],
  ['PReLU', 'binary'],
  ['Concatenate2', 'concatenate'],
  ['Concatenate3', 'concatenate'],
  ['Concatenate4', 'concatenate'],
  ['StaticSlice', 'slice'],
  ['ScaledDotProductAttention', 'attention'],
  ['BatchMatrixMultiply', 'binary'],
  ['Concatenate5', 'concatenate'],
  ['ConvTranspose2d', 'convolution'],
  ['ReciprocalSquareRoot', 'unary'],
  ['Log', 'unary'],
  ['Gelu', 'unary'],
  ['Tanh', 'unary'],
  ['Exp', 'unary'],
  ['Sin', 'unary'],
  ['Copy', 'unary'],
  ['Cos', 'unary'],
] as const satisfies readonly (readonly [string, NodeLayoutName])[];

/** A node union member without its `XNN` prefix (`Add`, `FullyConnected`, …). */
export type NodeKind = (typeof NODE_KINDS)[number][0];

type LayoutOf<K extends NodeKind> = Extract<(typeof NODE_KINDS)[number], readonly [K, NodeLayoutName]>[1];

type FieldValue<Kind extends FieldKind> = Kind extends 'uints' ? number[] : number;

/** The fields of a layout as an object type (`{ input1Id: number; … }`). */
export type LayoutFields<L extends Layout> = { -readonly [F in L[number] as F[0]]: FieldValue<F[1]> };

/** The fields a node of kind K carries. */
export type NodeFields<K extends NodeKind> = LayoutFields<(typeof NODE_LAYOUTS)[LayoutOf<K>]>;

const KIND_INDEX = new Map<string, number>(NODE_KINDS.map(([kind], index) => [kind, index]));

/** The union type number of a node kind. */
export function nodeUnionType(kind: NodeKind): number {
  return KIND_INDEX.get(kind)! + 1;
}

/** The node kind and layout for a union type number, or undefined when it is not one. */
export function nodeKindOf(unionType: number): { kind: NodeKind; layout: Layout } | undefined {
  const entry = NODE_KINDS[unionType - 1];
  return entry ? { kind: entry[0], layout: NODE_LAYOUTS[entry[1]] } : undefined;
}

/** The layout of a node kind. */
export function layoutOf(kind: NodeKind): Layout {
  return NODE_LAYOUTS[NODE_KINDS[KIND_INDEX.get(kind)!]![1]];
}
