/**
 * `toExecutorch`: from exported programs to `.pte` bytes. The pipeline, per recipe:
 *
 *   recipe passes (quantization) → decompositions no delegate preserves → each delegate
 *   partitions and lowers → the remaining portable decompositions → common-subexpression
 *   elimination → constant folding → dead-code elimination → `.out` variants → memory planning →
 *   emission → `writePte`.
 *
 * As in ExecuTorch's `to_edge_transform_and_lower`, operators are decomposed before partitioning
 * except those a delegate asks to see whole (`aten::linear`); whatever delegates leave runs on
 * portable kernels and is reported, not rejected.
 */

import { applyDelegate, type DelegationReport } from '../delegate/apply-delegate.js';
import { InvalidArgumentError } from '../errors.js';
import type { ExportedProgram, MetadataValue } from '../ir/program.js';
import type { OperatorDefinition } from '../ops/definition.js';
import { coreOperators } from '../ops/index.js';
import { createOperatorRegistry } from '../ops/registry.js';
import { commonSubexpressionElimination } from '../passes/common-subexpressions.js';
import { constantFolding } from '../passes/constant-folding.js';
import { deadCodeElimination } from '../passes/dead-code.js';
import { decompose } from '../passes/decompose.js';
import { type DecompositionTable, portableDecompositions } from '../passes/decompositions/index.js';
import { type PassRunRecord, runPasses } from '../passes/pass-manager.js';
import { toOutVariants } from '../passes/to-out-variants.js';
import { type MemoryPlan, type MemoryPlanOptions, planMemory } from '../planner/memory-plan.js';
import { encodeConstantOutput, encodeMethodInputs, encodeMethodOutputs } from '../pte/container-metadata.js';
import type { PteProgram } from '../pte/model.js';
import { writePte } from '../pte/writer.js';
import { assembleProgram } from '../emit/assemble-program.js';
import { type Recipe, resolveRecipe } from './recipe.js';

export interface ExportProgressEvent {
  readonly stage: 'passes' | 'delegate' | 'lowering' | 'planning' | 'emit' | 'write';
  readonly fraction: number;
  readonly message: string;
}

export interface ToExecutorchOptions {
  /** A recipe object or name (`portable` built in; others from `recipes`). */
  readonly recipe?: string | Recipe;
  /** Recipes that names may refer to (e.g. `xnnpackRecipes()`). */
  readonly recipes?: readonly Recipe[];
  /** Operators beyond core's and the recipe's. */
  readonly operators?: readonly OperatorDefinition[];
  readonly memoryPlanning?: MemoryPlanOptions;
  /** Decompositions applied after delegation (defaults to portable ones). */
  readonly decompositions?: DecompositionTable;
  /** Metadata (constant methods) added to, or overriding, the programs' own. */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
  readonly onProgress?: (event: ExportProgressEvent) => void;
}

export interface MethodMemoryReport {
  readonly method: string;
  readonly algorithm: MemoryPlan['algorithm'];
  readonly arenaBytes: number;
  readonly lowerBound: number;
}

export interface ExecutorchArtifact {
  readonly bytes: Uint8Array;
  readonly program: PteProgram;
  readonly recipe: string;
  readonly delegation: readonly DelegationReport[];
  readonly memory: readonly MethodMemoryReport[];
  readonly passes: readonly PassRunRecord[];
}

function normalizeMethods(input: ExportedProgram | Readonly<Record<string, ExportedProgram>>): Record<string, ExportedProgram> {
  if ('graph' in input && 'signature' in input) return { forward: input as ExportedProgram };
  const methods = { ...(input as Record<string, ExportedProgram>) };
  if (Object.keys(methods).length === 0) throw new InvalidArgumentError('programs', 'at least one method is needed');
  return methods;
}

function mergeMetadata(methods: Record<string, ExportedProgram>, extra: Readonly<Record<string, MetadataValue>> = {}): Record<string, MetadataValue> {
  const merged: Record<string, MetadataValue> = {};
  for (const [name, program] of Object.entries(methods)) {
    for (const [key, value] of Object.entries(program.metadata)) {
      if (key in merged && JSON.stringify(merged[key]) !== JSON.stringify(value)) {
        throw new InvalidArgumentError('metadata', `methods disagree on '${key}' (method '${name}')`);
      }
      merged[key] = value;
    }
  }
  return { ...merged, ...extra };
}

export async function toExecutorch(
  programs: ExportedProgram | Readonly<Record<string, ExportedProgram>>,
  options: ToExecutorchOptions = {},
): Promise<ExecutorchArtifact> {
  const recipe = resolveRecipe(options.recipe, options.recipes);
  const progress = options.onProgress ?? (() => undefined);
  const registry = createOperatorRegistry(
    coreOperators(),
    recipe.operators?.() ?? [],
    (recipe.delegates ?? []).flatMap((use) => use.delegate.operators?.() ?? []),
    options.operators ?? [],
  );
  const context = { registry };
  let methods = normalizeMethods(programs);
  const metadata = mergeMetadata(methods, options.metadata);
  const records: PassRunRecord[] = [];

  if (recipe.passes?.length) {
    progress({ stage: 'passes', fraction: 0, message: `${recipe.name}: ${recipe.passes.map((p) => p.name).join(', ')}` });
    for (const name of Object.keys(methods)) {
      const result = runPasses(methods[name]!, recipe.passes, context);
      methods[name] = result.program;
      records.push(...result.records);
    }
  }

  const decompositions = options.decompositions ?? portableDecompositions();
  if (recipe.delegates?.length) {
    // As to_edge_transform_and_lower does: decompose everything no delegate asks to keep whole.
    const preserved = new Set(recipe.delegates.flatMap((use) => use.delegate.preservedOperators ?? []));
    const beforePartitioning = new Map([...decompositions].filter(([target]) => !preserved.has(target)));
    for (const name of Object.keys(methods)) {
      const result = runPasses(methods[name]!, [decompose(beforePartitioning, 'decompose-before-partitioning')], context);
      methods[name] = result.program;
      records.push(...result.records);
    }
  }

  const delegation: DelegationReport[] = [];
  for (const use of recipe.delegates ?? []) {
    progress({ stage: 'delegate', fraction: 0, message: `partitioning for ${use.delegate.backendId}` });
    const result = await applyDelegate(methods, use, registry, (fraction, message) => progress({ stage: 'delegate', fraction, message }));
    methods = result.methods;
    delegation.push(...result.reports);
  }

  const lowering = [decompose(decompositions), commonSubexpressionElimination, constantFolding, deadCodeElimination, toOutVariants];
  const emitted = Object.entries(methods).map(([name, program], i) => {
    progress({ stage: 'lowering', fraction: i / Object.keys(methods).length, message: `lowering ${name}` });
    const lowered = runPasses(program, lowering, context);
    records.push(...lowered.records);
    progress({ stage: 'planning', fraction: i / Object.keys(methods).length, message: `planning memory of ${name}` });
    const plan = planMemory(lowered.program, registry, options.memoryPlanning);
    return {
      name,
      program: lowered.program,
      plan,
      inputEncoding: encodeMethodInputs(lowered.program.inputNames),
      outputEncoding: encodeMethodOutputs(lowered.program.outputNames.length),
    };
  });

  progress({ stage: 'emit', fraction: 0, message: 'emitting' });
  const namedData = new Map<string, Uint8Array>();
  for (const method of Object.values(methods)) for (const [key, data] of method.namedData) namedData.set(key, data);
  const program = assembleProgram(emitted, { registry, metadata, encodeMetadataOutput: encodeConstantOutput, namedData });
  progress({ stage: 'write', fraction: 0, message: 'serializing' });
  const bytes = writePte(program);
  progress({ stage: 'write', fraction: 1, message: `${bytes.length} bytes` });
  return {
    bytes,
    program,
    recipe: recipe.name,
    delegation,
    memory: emitted.map((m) => ({ method: m.name, algorithm: m.plan.algorithm, arenaBytes: m.plan.arenaBytes, lowerBound: m.plan.lowerBound })),
    passes: records,
  };
}
