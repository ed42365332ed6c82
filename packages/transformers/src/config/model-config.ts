/**
 * Reads and validates `config.json`: dispatches on `model_type`, fills transformers' defaults,
 * normalises RoPE settings, and reports every problem at once as a `ConfigError` naming the file,
 * the field and what was expected. The result keeps the file's snake_case keys.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConfigIssue, ConfigError } from '@etch/core';
import { ARCHITECTURES, supportedModelTypes } from './architectures.js';
import { configIssuesFrom } from './config-issues.js';
import { completeRopeParameters, normalizeRope } from './rope.js';

/** A validated `config.json`. */
export interface ModelConfig {
  /** `model_type` as in the file (SmolLM, SmolLM2 and TinyLlama files say `llama`). */
  readonly modelType: string;
  /** The file's keys (snake_case) with transformers' defaults and derived values filled in. */
  readonly config: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates an already-parsed `config.json`. `file` is the path used in error messages.
 * @throws ConfigError listing every invalid or missing field, or the supported model types.
 */
export function parseModelConfig(json: unknown, file: string): ModelConfig {
  if (!isRecord(json)) throw new ConfigError(file, [{ path: '', message: 'expected a JSON object' }]);
  const modelType = json['model_type'];
  const spec = typeof modelType === 'string' && Object.hasOwn(ARCHITECTURES, modelType) ? ARCHITECTURES[modelType] : undefined;
  if (spec === undefined) {
    const got = modelType === undefined ? 'it is missing' : `got ${JSON.stringify(modelType)}`;
    throw new ConfigError(file, [{ path: 'model_type', message: `expected one of ${supportedModelTypes().join(', ')}; ${got}` }], {
      hint: `etch builds only these architectures; check ${file} comes from a causal language model of a supported family`,
    });
  }

  const issues: ConfigIssue[] = [];
  const raw: Record<string, unknown> = { ...json };
  if (spec.defaultRopeTheta !== undefined) {
    const rope = normalizeRope(json, spec.defaultRopeTheta, issues, spec.ropeThetaKey, spec.ropeTypeAliases);
    if (rope) {
      raw['rope_theta'] = rope.rope_theta;
      raw['rope_scaling'] = rope.rope_scaling;
      raw['rope_parameters'] = rope.rope_parameters;
      if (rope.partial_rotary_factor !== undefined && raw['partial_rotary_factor'] === undefined) {
        raw['partial_rotary_factor'] = rope.partial_rotary_factor;
      }
    }
  }
  for (const key of ['dtype', 'torch_dtype']) {
    if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== 'string') {
      issues.push({ path: key, message: `expected a dtype name such as "float32", got ${JSON.stringify(raw[key])}` });
    }
  }

  const result = spec.schema.safeParse(raw);
  if (!result.success) issues.push(...configIssuesFrom(result.error));
  else {
    spec.complete(result.data, issues);
    if (spec.defaultRopeTheta !== undefined) completeRopeParameters(result.data);
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigError(file, issues, { hint: `fix the listed fields in ${file} (model_type ${modelType})` });
  }
  return { modelType: modelType as string, config: result.data };
}

/**
 * Reads `<directory>/config.json` and validates it.
 * @throws ConfigError when the file is missing, is not JSON, or fails validation.
 */
export async function loadModelConfig(directory: string): Promise<ModelConfig> {
  const file = join(directory, 'config.json');
  return parseModelConfig(await readJsonFile(file), file);
}

/** Reads and parses a JSON file, turning a missing file or bad JSON into a `ConfigError`. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(file, [{ path: '', message: missing ? 'file not found' : `cannot read: ${(error as Error).message}` }], {
      cause: error,
      hint: missing ? 'point at a Hugging Face model folder (it holds config.json beside the weights)' : undefined,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }], { cause: error });
  }
}
