/**
 * What an operator is to etch: its schema, how to infer its outputs, and its reference semantics.
 * Most operators come in a family (functional `aten::add.Tensor`, out variant `aten::add.out`,
 * sometimes in-place) that share one shape rule and one compute function; `defineOperator`
 * derives all variants from those two, so the evaluator, the `.out` conversion pass and the
 * runtime's portable kernels cannot disagree about what an operator does.
 */

import { InvalidArgumentError } from '../errors.js';
import type { TensorMeta, ValueMeta } from '../ir/meta.js';
import { isStaticShape } from '../ir/sym.js';
import { Tensor } from '../kernels/tensor.js';
import { MetaArgs, type MetaValue } from './meta-args.js';
import { outputShapeMemo } from './output-shape-memo.js';
import { RuntimeArgs, type ScalarKind } from './runtime-args.js';
import type { RuntimeValue } from './runtime-value.js';
import { type OperatorSchema, outArgumentIndices, parseSchema, schemaKey } from './schema.js';

export type OperatorKind = 'functional' | 'out' | 'inplace' | 'scalar';

export interface OperatorDefinition {
  readonly key: string;
  readonly schema: OperatorSchema;
  readonly kind: OperatorKind;
  /** For functional operators: the key of the out variant used when emitting ExecuTorch code. */
  readonly outVariant?: string;
  /** For functional operators: the key of the in-place variant, if one exists. */
  readonly inplaceVariant?: string;
  /** Output metas from argument metas; for out variants, the metas of the out tensors. */
  inferMeta(args: MetaArgs): ValueMeta[];
  /**
   * Reference semantics. Functional operators allocate their results; out and in-place variants
   * resize and write their mutable arguments and return them.
   */
  evaluate(args: RuntimeArgs): RuntimeValue[];
}

export interface OperatorFamilySpec {
  functional?: string;
  out?: string;
  inplace?: string;
  /** One meta per tensor result, from the functional arguments. */
  infer(args: MetaArgs): TensorMeta[];
  /**
   * Writes the results into `outs` (already shaped by `infer`). For in-place variants `outs[0]`
   * is the mutated argument itself, so compute must tolerate an output aliasing `self`.
   */
  compute(args: RuntimeArgs, outs: Tensor[]): void;
}

/**
 * Turns concrete run-time values into metas so `infer` can size outputs at run time. A Scalar's
 * kind is `kind` when known, else guessed from the value (an integral float reads as an int).
 */
export function metaValueOf(value: RuntimeValue, base: string, kind?: ScalarKind | null): MetaValue {
  if (value === null) return { kind: 'none' };
  if (value instanceof Tensor) return { kind: 'tensor', meta: { kind: 'tensor', dtype: value.dtype, shape: value.shape } };
  if (typeof value === 'number') {
    if (base === 'float') return { kind: 'float', value };
    if (base === 'ScalarType') return { kind: 'dtype', value: value as never };
    if (base === 'Scalar') return kind === 'float' || (kind !== 'int' && !Number.isInteger(value)) ? { kind: 'float', value } : { kind: 'int', value };
    return { kind: 'int', value };
  }
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'string') return { kind: 'str', value };
  return { kind: 'list', items: value.map((item) => metaValueOf(item, base)) };
}

export function metaArgsOf(schema: OperatorSchema, values: readonly RuntimeValue[], scalarKinds?: readonly (ScalarKind | null)[]): MetaArgs {
  return new MetaArgs(
    schema,
    values.map((v, i) => metaValueOf(v, schema.args[i]?.type.base ?? 'int', scalarKinds?.[i])),
  );
}

function concreteShape(meta: TensorMeta, where: string): number[] {
  if (!isStaticShape(meta.shape)) throw new InvalidArgumentError(where, 'shape inference left a symbolic dimension at run time');
  return [...meta.shape];
}

function outTensors(args: RuntimeArgs, outIndices: number[]): Tensor[] {
  const outs: Tensor[] = [];
  for (const index of outIndices) {
    const value = args.values[index];
    if (value instanceof Tensor) outs.push(value);
    else if (Array.isArray(value)) for (const item of value) if (item instanceof Tensor) outs.push(item);
    if (value === undefined || value === null) args.fail(`missing out argument '${args.schema.args[index]!.name}'`);
  }
  return outs;
}

function checkArity(functional: OperatorSchema, variant: OperatorSchema, extra: number): void {
  const names = (s: OperatorSchema, count: number) => s.args.slice(0, count).map((a) => a.name).join(',');
  if (variant.args.length !== functional.args.length + extra || names(variant, functional.args.length) !== names(functional, functional.args.length)) {
    throw new InvalidArgumentError('operator family', `${variant.text} does not extend ${functional.text}`);
  }
}

/** Defines the variants of one operator family from a shared shape rule and compute function. */
export function defineOperator(spec: OperatorFamilySpec): OperatorDefinition[] {
  const definitions: OperatorDefinition[] = [];
  const functional = spec.functional ? parseSchema(spec.functional) : undefined;
  const out = spec.out ? parseSchema(spec.out) : undefined;
  const inplace = spec.inplace ? parseSchema(spec.inplace) : undefined;
  const base = functional ?? out;
  if (!base) throw new InvalidArgumentError('operator family', 'needs a functional or out schema');

  if (functional) {
    definitions.push({
      key: schemaKey(functional),
      schema: functional,
      kind: 'functional',
      ...(out ? { outVariant: schemaKey(out) } : {}),
      ...(inplace ? { inplaceVariant: schemaKey(inplace) } : {}),
      inferMeta: (args) => spec.infer(args),
      evaluate(args) {
        const metas = spec.infer(metaArgsOf(functional, args.values, args.scalarKinds));
        const outs = metas.map((m) => Tensor.zeros(m.dtype, concreteShape(m, schemaKey(functional))));
        spec.compute(args, outs);
        return outs;
      },
    });
  }
  if (out) {
    const outIndices = outArgumentIndices(out);
    if (functional) checkArity(functional, out, outIndices.length);
    const inputCount = out.args.length - outIndices.length;
    definitions.push({
      key: schemaKey(out),
      schema: out,
      kind: 'out',
      inferMeta(args) {
        const outs = outIndices.flatMap((i) => {
          const v = args.values[i];
          if (v?.kind === 'tensor') return [v.meta];
          if (v?.kind === 'list') return v.items.flatMap((item) => (item.kind === 'tensor' ? [item.meta] : []));
          return [];
        });
        return outs.length ? outs : spec.infer(new MetaArgs(out, args.values.slice(0, inputCount), args.where));
      },
      evaluate(args) {
        const outs = outTensors(args, outIndices);
        const memo = outputShapeMemo(args);
        let shapes = memo.lookup(args.values, inputCount);
        if (!shapes) {
          const key = schemaKey(out);
          shapes = spec.infer(metaArgsOf(out, args.values.slice(0, inputCount), args.scalarKinds)).map((m) => concreteShape(m, key));
          memo.store(args.values, inputCount, shapes);
        }
        if (shapes.length !== outs.length) args.fail(`expected ${shapes.length} out tensors, got ${outs.length}`);
        for (let i = 0; i < outs.length; i++) outs[i]!.resize(shapes[i]!);
        spec.compute(args, outs);
        return out.returns.length === 0 ? [] : out.returns[0]!.type.list ? [outs] : outs;
      },
    });
  }
  if (inplace) {
    if (functional) checkArity(functional, inplace, 0);
    definitions.push({
      key: schemaKey(inplace),
      schema: inplace,
      kind: 'inplace',
      inferMeta: (args) => {
        const self = args.values[0];
        return self?.kind === 'tensor' ? [self.meta] : spec.infer(args);
      },
      evaluate(args) {
        const self = args.values[0];
        if (!(self instanceof Tensor)) return args.fail('in-place operators need a tensor as their first argument');
        spec.compute(args, [self]);
        return [self];
      },
    });
  }
  return definitions;
}

export interface ScalarOperatorSpec {
  schema: string;
  infer(args: MetaArgs): ValueMeta;
  compute(args: RuntimeArgs): number | boolean;
}

/** Operators that return a scalar (`aten::sym_size.int`, `executorch_prim::add.Scalar`, …). */
export function defineScalarOperator(spec: ScalarOperatorSpec): OperatorDefinition {
  const schema = parseSchema(spec.schema);
  return {
    key: schemaKey(schema),
    schema,
    kind: 'scalar',
    inferMeta: (args) => [spec.infer(args)],
    evaluate: (args) => [spec.compute(args)],
  };
}

/** Operators whose semantics fit neither helper (views, copies into existing tensors, …). */
export function defineCustomOperator(
  schemaText: string,
  kind: OperatorKind,
  body: Pick<OperatorDefinition, 'inferMeta' | 'evaluate'> & { outVariant?: string },
): OperatorDefinition {
  const schema = parseSchema(schemaText);
  return { key: schemaKey(schema), schema, kind, ...body };
}
