/**
 * An operator registry is a plain object the caller builds from lists of definitions; nothing
 * registers itself on import. Core ships `coreOperators()`; delegates and third parties pass
 * their own lists alongside it.
 */

import { UnsupportedOperatorError } from '../errors.js';
import type { OperatorDefinition } from './definition.js';

export class OperatorRegistry {
  private readonly byKey: Map<string, OperatorDefinition>;

  constructor(definitions: Iterable<OperatorDefinition>) {
    this.byKey = new Map();
    for (const def of definitions) this.byKey.set(def.key, def);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The definition, or an error that names the operator and suggests close matches. */
  get(key: string): OperatorDefinition {
    const def = this.byKey.get(key);
    if (def) return def;
    const base = key.replace(/\..*$/, '');
    const near = [...this.byKey.keys()].filter((k) => k.startsWith(base)).slice(0, 6);
    throw new UnsupportedOperatorError(
      key,
      near.length ? `not registered; known overloads: ${near.join(', ')}` : 'not registered in this operator registry',
      { hint: 'pass the definitions that provide it when building the registry' },
    );
  }

  find(key: string): OperatorDefinition | undefined {
    return this.byKey.get(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  definitions(): OperatorDefinition[] {
    return [...this.byKey.values()];
  }

  /** A new registry with more definitions; later ones replace earlier ones with the same key. */
  extend(definitions: Iterable<OperatorDefinition>): OperatorRegistry {
    return new OperatorRegistry([...this.byKey.values(), ...definitions]);
  }
}

export function createOperatorRegistry(...groups: Iterable<OperatorDefinition>[]): OperatorRegistry {
  return new OperatorRegistry(groups.flatMap((g) => [...g]));
}
