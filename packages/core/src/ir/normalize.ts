/**
 * Turns loosely typed builder values (JS numbers, booleans, arrays, node references) into tagged
 * `Argument`s in full schema order, filling defaults. The schema decides what a JS number means:
 * an `int` argument gets an int, a `float` or `Scalar` argument a float (wrap with `int()` for an
 * integer Scalar), a `ScalarType` argument a dtype code.
 */

import { InvalidArgumentError } from '../errors.js';
import type { ArgumentSchema, ArgumentType, DefaultValue, OperatorSchema } from '../ops/schema.js';
import type { ScalarType } from '../scalar-type.js';
import { type Argument, NONE } from './argument.js';

export type BuilderValue = Argument | number | boolean | string | null | undefined | readonly BuilderValue[];

function isArgument(value: unknown): value is Argument {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value;
}

function fromDefault(value: DefaultValue, type: ArgumentType): Argument {
  switch (value.kind) {
    case 'none':
      return NONE;
    case 'int':
      return type.base === 'float' ? { kind: 'float', value: value.value } : { kind: 'int', value: value.value };
    case 'float':
      return { kind: 'float', value: value.value };
    case 'bool':
      return { kind: 'bool', value: value.value };
    case 'str':
      return { kind: 'str', value: value.value };
    case 'list':
      return { kind: 'list', items: value.items.map((item) => fromDefault(item, { ...type, list: false })) };
    case 'name':
      // Named defaults (contiguous_format, Mean) only appear on arguments ExecuTorch emits as None or ints.
      return value.value === 'contiguous_format' ? { kind: 'int', value: 0 } : { kind: 'str', value: value.value };
  }
}

function convertScalar(value: BuilderValue, type: ArgumentType, where: string): Argument {
  if (value === null || value === undefined) return NONE;
  if (isArgument(value)) return value;
  if (typeof value === 'number') {
    switch (type.base) {
      case 'int':
      case 'SymInt':
      case 'Layout':
      case 'MemoryFormat':
        if (!Number.isInteger(value)) throw new InvalidArgumentError(where, `expected an int, got ${value}`);
        return { kind: 'int', value };
      case 'ScalarType':
        return { kind: 'dtype', value: value as ScalarType };
      case 'float':
      case 'Scalar':
        return { kind: 'float', value };
      case 'bool':
        return { kind: 'bool', value: value !== 0 };
      default:
        throw new InvalidArgumentError(where, `a number cannot be a ${type.base}`);
    }
  }
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'string') return { kind: 'str', value };
  throw new InvalidArgumentError(where, `unexpected value ${JSON.stringify(value)}`);
}

function convert(value: BuilderValue, schema: ArgumentSchema, where: string): Argument {
  if (schema.type.list && Array.isArray(value)) {
    const itemType = { ...schema.type, list: false, optional: schema.type.optionalItems };
    return { kind: 'list', items: (value as BuilderValue[]).map((item) => convertScalar(item, itemType, where)) };
  }
  return convertScalar(value, schema.type, where);
}

/** The argument an omitted schema argument takes: its default, None if optional, else undefined. */
export function defaultArgument(arg: ArgumentSchema): Argument | undefined {
  if (arg.default) return fromDefault(arg.default, arg.type);
  return arg.type.optional ? NONE : undefined;
}

export function normalizeArguments(
  schema: OperatorSchema,
  positional: readonly BuilderValue[],
  named: Readonly<Record<string, BuilderValue>> = {},
): Argument[] {
  const opName = schema.overload ? `${schema.name}.${schema.overload}` : schema.name;
  if (positional.length > schema.args.length) {
    throw new InvalidArgumentError(opName, `takes ${schema.args.length} arguments, got ${positional.length}`);
  }
  for (const key of Object.keys(named)) {
    if (!schema.args.some((a) => a.name === key)) throw new InvalidArgumentError(opName, `has no argument '${key}'`);
  }
  return schema.args.map((arg, i) => {
    const where = `${opName}(${arg.name})`;
    const given = i < positional.length ? positional[i] : named[arg.name];
    if (given !== undefined) return convert(given, arg, where);
    if (arg.default) return fromDefault(arg.default, arg.type);
    if (arg.type.optional) return NONE;
    throw new InvalidArgumentError(where, 'is required');
  });
}
