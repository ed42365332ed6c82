/**
 * Initializes a method's delegates through the runtime backends the caller passed. A delegate
 * whose backend is missing or unavailable here fails the load, naming the backend and the method,
 * rather than the first call that reaches it.
 */

import { DataLocation, type ExecutionPlan, type NamedDataMap, PteFormatError, type PteProgram, type RuntimeBackend } from '@etch/core';
import { BackendUnavailableError } from '../errors.js';
import type { PreparedDelegate } from './prepare-steps.js';

function payloadOf(program: PteProgram, plan: ExecutionPlan, index: number): Uint8Array {
  const { location, index: dataIndex } = plan.delegates[index]!.processed;
  const field = `${plan.name}.delegates[${index}].processed`;
  if (location === DataLocation.INLINE) {
    const data = program.backendDelegateData[dataIndex];
    if (!data) throw new PteFormatError(field, `inline data ${dataIndex} does not exist (${program.backendDelegateData.length} entries)`);
    return data;
  }
  const segment = program.segments[dataIndex];
  if (!segment) throw new PteFormatError(field, `segment ${dataIndex} does not exist (${program.segments.length} segments)`);
  return segment.data;
}

/** Initializes every delegate of `plan`, in `delegate_index` order. */
export async function initDelegates(
  program: PteProgram,
  plan: ExecutionPlan,
  backends: readonly RuntimeBackend[],
  namedData: NamedDataMap,
): Promise<PreparedDelegate[]> {
  const prepared: PreparedDelegate[] = [];
  for (let index = 0; index < plan.delegates.length; index++) {
    const delegate = plan.delegates[index]!;
    const backend = backends.find((candidate) => candidate.backendId === delegate.id);
    if (!backend) {
      const given = backends.map((candidate) => candidate.backendId);
      throw new BackendUnavailableError(delegate.id, plan.name, `no runtime backend with this id was given${given.length ? ` (given: ${given.join(', ')})` : ''}`, {
        hint: `pass the backend's runtime half in Module.load(…, { backends: [...] })`,
      });
    }
    if (!backend.isAvailable()) {
      throw new BackendUnavailableError(delegate.id, plan.name, 'the backend reports it cannot run in this environment', {
        hint: 'check the backend’s requirements (WebAssembly features, platform)',
      });
    }
    const payload = payloadOf(program, plan, index);
    try {
      const handle = await backend.init(payload, delegate.compileSpecs, { methodName: plan.name, namedData });
      prepared.push({ backend, handle });
    } catch (error) {
      for (const done of prepared) done.backend.destroy?.(done.handle);
      throw new BackendUnavailableError(delegate.id, plan.name, `init failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return prepared;
}
