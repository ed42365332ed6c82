/**
 * Node arguments are tagged values so that an int stays an int and a float a float all the way to
 * the `.pte` (ExecuTorch stores them as different EValue kinds, and kernels promote dtypes by
 * them). A `node` argument references output `output` of another node.
 */

import type { ScalarType } from '../scalar-type.js';

export type Argument =
  | { readonly kind: 'node'; readonly node: number; readonly output: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'dtype'; readonly value: ScalarType }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly items: readonly Argument[] };

export type NodeArgument = Extract<Argument, { kind: 'node' }>;

export const NONE: Argument = { kind: 'none' };

export function int(value: number): Argument {
  if (!Number.isInteger(value)) throw new RangeError(`int argument must be an integer, got ${value}`);
  return { kind: 'int', value };
}

export function float(value: number): Argument {
  return { kind: 'float', value };
}

export function bool(value: boolean): Argument {
  return { kind: 'bool', value };
}

export function str(value: string): Argument {
  return { kind: 'str', value };
}

export function dtype(value: ScalarType): Argument {
  return { kind: 'dtype', value };
}

export function list(items: readonly Argument[]): Argument {
  return { kind: 'list', items: [...items] };
}

export function ref(node: number, output = 0): NodeArgument {
  return { kind: 'node', node, output };
}

/** Every node referenced by an argument, including inside lists. */
export function* referencedNodes(arg: Argument): Generator<NodeArgument> {
  if (arg.kind === 'node') yield arg;
  else if (arg.kind === 'list') for (const item of arg.items) yield* referencedNodes(item);
}

/** Rewrites every node reference inside an argument. */
export function mapReferences(arg: Argument, fn: (ref: NodeArgument) => Argument): Argument {
  if (arg.kind === 'node') return fn(arg);
  if (arg.kind === 'list') return { kind: 'list', items: arg.items.map((item) => mapReferences(item, fn)) };
  return arg;
}
