import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder.js';
import { sym } from '../../ir/sym.js';
import { Tensor } from '../../kernels/tensor.js';
import { ScalarType } from '../../scalar-type.js';
import { createOperatorRegistry } from '../registry.js';
import { RuntimeArgs } from '../runtime-args.js';
import type { RuntimeValue } from '../runtime-value.js';
import { kvCacheOperators } from './kv-cache.js';

const registry = createOperatorRegistry(kvCacheOperators());

function run(key: string, ...args: RuntimeValue[]): Tensor {
  const def = registry.get(key);
  return def.evaluate(new RuntimeArgs(def.schema, args))[0] as Tensor;
}

/** A [B, S, H, D] float block whose element i is `base + i`. */
function block(shape: number[], base: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(ScalarType.FLOAT, shape, Float32Array.from({ length: n }, (_, i) => base + i));
}

describe('llama::update_cache', () => {
  it('writes value rows into the cache at start_pos for every batch line (cache[:, start:start+S] = value)', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [2, 4, 1, 2]);
    const value = block([2, 2, 1, 2], 1);
    const placeholder = run('llama::update_cache', value, cache, 1);
    expect(placeholder.shape).toEqual([1]);
    expect(Array.from(cache.data as Float32Array)).toEqual([0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0]);
  });

  it('writes through the out variant and leaves the [1] out as the placeholder', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [1, 3, 2, 1]);
    const out = Tensor.zeros(ScalarType.FLOAT, [1]);
    expect(run('llama::update_cache.out', block([1, 1, 2, 1], 7), cache, 2, out)).toBe(out);
    expect(Array.from(cache.data as Float32Array)).toEqual([0, 0, 0, 0, 7, 8]);
  });

  it('rejects positions past the cache, at export time when static and at run time', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [1, 4, 1, 2]);
    expect(() => run('llama::update_cache', block([1, 2, 1, 2], 0), cache, 3)).toThrow(/update_cache: start_pos 3 \+ seq_len 2 exceeds the cache length 4/);
    expect(() => run('llama::update_cache', block([1, 1, 1, 2], 0), cache, -1)).toThrow(/start_pos -1/);
    const builder = new GraphBuilder(registry);
    const value = builder.placeholder('v', GraphBuilder.tensor(ScalarType.FLOAT, [1, 2, 1, 2]));
    const kvCache = builder.placeholder('c', GraphBuilder.tensor(ScalarType.FLOAT, [1, 4, 1, 2]));
    expect(() => builder.op('llama::update_cache', value, kvCache, 3)).toThrow(/exceeds the cache length 4/);
    const wide = builder.placeholder('w', GraphBuilder.tensor(ScalarType.FLOAT, [1, 2, 2, 2]));
    expect(() => builder.op('llama::update_cache', wide, kvCache, 0)).toThrow(/differ at dim 2/);
  });

  it('infers the [1] placeholder for symbolic sequence lengths', () => {
    const builder = new GraphBuilder(registry);
    const value = builder.placeholder('v', GraphBuilder.tensor(ScalarType.FLOAT, [1, sym('s'), 2, 8]));
    const cache = builder.placeholder('c', GraphBuilder.tensor(ScalarType.FLOAT, [1, 128, 2, 8]));
    expect(builder.meta(builder.op('llama::update_cache', value, cache, 0))).toEqual({ kind: 'tensor', dtype: ScalarType.FLOAT, shape: [1] });
  });
});

describe('llama::update_cache_with_indices', () => {
  it('writes each token to its own position (cache[b, indices[b, s]] = value[b, s])', () => {
    const cache = Tensor.zeros(ScalarType.FLOAT, [1, 4, 1, 2]);
    const indices = Tensor.fromArray(ScalarType.LONG, [1, 2], BigInt64Array.of(3n, 0n));
    run('llama::update_cache_with_indices', block([1, 2, 1, 2], 1), cache, 0, indices);
    expect(Array.from(cache.data as Float32Array)).toEqual([3, 4, 0, 0, 0, 0, 1, 2]);
    const bad = Tensor.fromArray(ScalarType.LONG, [1, 2], BigInt64Array.of(4n, 0n));
    expect(() => run('llama::update_cache_with_indices', block([1, 2, 1, 2], 1), cache, 0, bad)).toThrow(/index 4 out of bounds for a cache of length 4/);
  });
});
