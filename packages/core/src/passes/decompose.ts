/**
 * Applies decompositions until none applies (a decomposition may produce operators that have
 * their own), checking that each replacement has the meta of what it replaces.
 */

import { ShapeError } from '../errors.js';
import { GraphBuilder } from '../ir/builder.js';
import { shapeEquals } from '../ir/sym.js';
import type { DecompositionTable } from './decompositions/decomposition.js';
import type { Pass } from './pass.js';

const MAX_ROUNDS = 8;

export function decompose(table: DecompositionTable, name = 'decompose'): Pass {
  return {
    name,
    run(program, { registry }) {
      const graph = program.graph.clone();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        let changed = false;
        for (const node of [...graph.nodes]) {
          if (node.kind !== 'call') continue;
          const decomposition = table.get(node.target!);
          if (!decomposition) continue;
          const builder = new GraphBuilder(registry, graph, node);
          const replacements = builder.scope(node.meta.source ?? '', () => decomposition(builder, node));
          replacements.forEach((replacement, output) => {
            const original = node.outputs[output];
            if (replacement.kind === 'node' && original?.kind === 'tensor') {
              const meta = graph.metaOf(replacement);
              if (meta.kind !== 'tensor' || meta.dtype !== original.dtype || !shapeEquals(meta.shape, original.shape)) {
                throw new ShapeError(`decomposition of ${node.target} changed the output meta`, { node: node.name });
              }
            }
            graph.replaceAllUses({ kind: 'node', node: node.id, output }, replacement);
          });
          graph.remove(node);
          changed = true;
        }
        if (!changed) return program.with({ graph });
      }
      throw new ShapeError(`decompositions did not converge after ${MAX_ROUNDS} rounds`);
    },
  };
}
