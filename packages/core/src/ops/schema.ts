/**
 * Operators are declared by their torch schema strings
 * (`aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)`),
 * exactly as ExecuTorch's kernel YAMLs spell them. The argument order of a `.pte` KernelCall is
 * the schema order, so parsing the real schema is what keeps emitted programs wire-compatible.
 */

import { InvalidArgumentError } from '../errors.js';

export type BaseType =
  | 'Tensor'
  | 'int'
  | 'SymInt'
  | 'float'
  | 'bool'
  | 'str'
  | 'Scalar'
  | 'ScalarType'
  | 'Layout'
  | 'Device'
  | 'MemoryFormat'
  | 'Generator';

export interface ArgumentType {
  base: BaseType;
  /** `Tensor?`, `int?`: the value may be None. For lists, `int[]?`. */
  optional: boolean;
  /** `Tensor[]`, `int[2]`: a list; `fixedLength` is the declared size, if any. */
  list: boolean;
  fixedLength?: number;
  /** `Tensor?[]`: a list whose items may be None. */
  optionalItems: boolean;
  /** `Tensor(a!)`: written in place (out arguments and in-place ops). */
  mutable: boolean;
  /** Alias set letter, if annotated. */
  alias?: string;
}

export type DefaultValue =
  | { kind: 'none' }
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'list'; items: DefaultValue[] }
  /** Named constants such as `contiguous_format` or `Mean`; kept as written. */
  | { kind: 'name'; value: string };

export interface ArgumentSchema {
  name: string;
  type: ArgumentType;
  kwargOnly: boolean;
  default?: DefaultValue;
}

export interface ReturnSchema {
  name?: string;
  type: ArgumentType;
}

export interface OperatorSchema {
  /** `aten::add` */
  name: string;
  /** `out`, `Tensor`, or '' for the default overload. */
  overload: string;
  args: ArgumentSchema[];
  returns: ReturnSchema[];
  /** The original text, for diagnostics. */
  text: string;
}

/** `aten::add.out`, or `aten::_local_scalar_dense` when the overload is the default. */
export function operatorKey(name: string, overload: string): string {
  return overload === '' ? name : `${name}.${overload}`;
}

export function schemaKey(schema: OperatorSchema): string {
  return operatorKey(schema.name, schema.overload);
}

/** Indices of the out arguments: kwarg-only mutable tensors of an `.out`-style schema. */
export function outArgumentIndices(schema: OperatorSchema): number[] {
  const indices: number[] = [];
  schema.args.forEach((arg, i) => {
    if (arg.kwargOnly && arg.type.mutable && arg.type.base === 'Tensor') indices.push(i);
  });
  return indices;
}

export function isOutVariant(schema: OperatorSchema): boolean {
  return outArgumentIndices(schema).length > 0;
}

/** In-place ops (`index_put_`, `copy_`) mutate a positional argument and return it. */
export function isInPlace(schema: OperatorSchema): boolean {
  return !isOutVariant(schema) && schema.args.some((arg) => !arg.kwargOnly && arg.type.mutable);
}

const BASE_TYPES = new Set<string>([
  'Tensor', 'int', 'SymInt', 'float', 'bool', 'str', 'Scalar', 'ScalarType', 'Layout', 'Device', 'MemoryFormat', 'Generator',
]);

function fail(text: string, message: string): never {
  throw new InvalidArgumentError('operator schema', `${message} in '${text}'`);
}

/** Splits on commas that are not nested in brackets, parentheses or quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) parts.push(last);
  return parts;
}

function parseType(raw: string, whole: string): ArgumentType {
  const match = /^([A-Za-z]+)(\(([a-z]+)(!?)\))?(\?)?(\[(\d*)\])?(\?)?$/.exec(raw.trim());
  if (!match) fail(whole, `cannot parse type '${raw}'`);
  const base = match[1]!;
  if (!BASE_TYPES.has(base)) fail(whole, `unknown type '${base}'`);
  const isList = match[6] !== undefined;
  const type: ArgumentType = {
    base: base as BaseType,
    optional: isList ? match[8] === '?' : match[5] === '?',
    list: isList,
    optionalItems: isList && match[5] === '?',
    mutable: match[4] === '!',
  };
  if (match[3]) type.alias = match[3];
  if (isList && match[7]) type.fixedLength = Number(match[7]);
  return type;
}

function parseDefault(raw: string, whole: string): DefaultValue {
  const text = raw.trim();
  if (text === 'None') return { kind: 'none' };
  if (text === 'True' || text === 'False') return { kind: 'bool', value: text === 'True' };
  if (/^-?\d+$/.test(text)) return { kind: 'int', value: Number(text) };
  if (/^-?(\d+\.\d*|\d*\.\d+|\d+)(e[-+]?\d+)?$/i.test(text) || text === 'inf' || text === '-inf') {
    return { kind: 'float', value: Number(text.replace('inf', 'Infinity')) };
  }
  if (/^".*"$|^'.*'$/.test(text)) return { kind: 'str', value: text.slice(1, -1) };
  if (text.startsWith('[') && text.endsWith(']')) {
    return { kind: 'list', items: splitTopLevel(text.slice(1, -1)).map((item) => parseDefault(item, whole)) };
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return { kind: 'name', value: text };
  return fail(whole, `cannot parse default '${raw}'`);
}

function parseArgument(raw: string, kwargOnly: boolean, whole: string): ArgumentSchema {
  const eq = raw.indexOf('=');
  const declaration = eq >= 0 ? raw.slice(0, eq).trim() : raw.trim();
  const space = declaration.lastIndexOf(' ');
  if (space < 0) fail(whole, `argument '${raw}' has no name`);
  const argument: ArgumentSchema = {
    name: declaration.slice(space + 1),
    type: parseType(declaration.slice(0, space), whole),
    kwargOnly,
  };
  if (eq >= 0) argument.default = parseDefault(raw.slice(eq + 1), whole);
  return argument;
}

function parseReturns(raw: string, whole: string): ReturnSchema[] {
  let text = raw.trim();
  if (text === '()') return [];
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1);
  return splitTopLevel(text).map((part) => {
    const space = part.lastIndexOf(' ');
    const hasName = space > 0 && !part.slice(space + 1).includes(')') && !part.slice(space + 1).includes(']');
    return hasName
      ? { name: part.slice(space + 1), type: parseType(part.slice(0, space), whole) }
      : { type: parseType(part, whole) };
  });
}

export function parseSchema(text: string): OperatorSchema {
  const open = text.indexOf('(');
  const arrow = text.lastIndexOf('->');
  if (open < 0 || arrow < 0) fail(text, 'expected "name(args) -> returns"');
  const close = text.lastIndexOf(')', arrow);
  const qualified = text.slice(0, open).trim();
  if (!qualified.includes('::')) fail(text, 'operator name needs a namespace (aten::, llama::, …)');
  const dot = qualified.indexOf('.', qualified.indexOf('::'));
  const name = dot >= 0 ? qualified.slice(0, dot) : qualified;
  const overload = dot >= 0 ? qualified.slice(dot + 1) : '';
  const args: ArgumentSchema[] = [];
  let kwargOnly = false;
  for (const part of splitTopLevel(text.slice(open + 1, close))) {
    if (part === '*') {
      kwargOnly = true;
      continue;
    }
    args.push(parseArgument(part, kwargOnly, text));
  }
  return { name, overload, args, returns: parseReturns(text.slice(arrow + 2), text), text };
}
