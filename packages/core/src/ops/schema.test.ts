import { describe, expect, it } from 'vitest';
import { isInPlace, isOutVariant, outArgumentIndices, parseSchema, schemaKey } from './schema.js';

describe('parseSchema', () => {
  it('parses an out variant with a kwarg-only alpha and out', () => {
    const s = parseSchema('aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)');
    expect(schemaKey(s)).toBe('aten::add.out');
    expect(s.args.map((a) => a.name)).toEqual(['self', 'other', 'alpha', 'out']);
    expect(s.args[2]).toMatchObject({ kwargOnly: true, default: { kind: 'int', value: 1 } });
    expect(s.args[3]!.type).toMatchObject({ base: 'Tensor', mutable: true, alias: 'a' });
    expect(outArgumentIndices(s)).toEqual([3]);
    expect(isOutVariant(s)).toBe(true);
  });

  it('parses optional lists, fixed-size lists and tuple returns', () => {
    const s = parseSchema(
      'aten::index_put_(Tensor(a!) self, Tensor?[] indices, Tensor values, bool accumulate=False) -> Tensor(a!)',
    );
    expect(s.overload).toBe('');
    expect(s.args[1]!.type).toMatchObject({ base: 'Tensor', list: true, optionalItems: true, optional: false });
    expect(isInPlace(s)).toBe(true);
    const m = parseSchema('aten::max.dim_max(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) max, Tensor(b!) max_values) -> (Tensor(a!) values, Tensor(b!) indices)');
    expect(m.returns.map((r) => r.name)).toEqual(['values', 'indices']);
    const mean = parseSchema('aten::mean.out(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor(a!) out) -> Tensor(a!)');
    expect(mean.args[1]!.type).toMatchObject({ base: 'int', list: true, fixedLength: 1, optional: true });
  });

  it('parses defaults of every kind', () => {
    const s = parseSchema('etch::demo(Tensor x, float eps=1e-05, int[] dims=[0, 1], str mode="mean", bool flag=True, float? scale=None, int n=-1) -> Tensor');
    expect(s.args.map((a) => a.default)).toEqual([
      undefined,
      { kind: 'float', value: 1e-5 },
      { kind: 'list', items: [{ kind: 'int', value: 0 }, { kind: 'int', value: 1 }] },
      { kind: 'str', value: 'mean' },
      { kind: 'bool', value: true },
      { kind: 'none' },
      { kind: 'int', value: -1 },
    ]);
  });

  it('rejects malformed schemas with the text in the message', () => {
    expect(() => parseSchema('add(Tensor a) -> Tensor')).toThrow(/namespace/);
    expect(() => parseSchema('aten::x(Blob a) -> Tensor')).toThrow(/unknown type 'Blob'/);
  });
});
