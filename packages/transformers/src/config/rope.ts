/**
 * Rotary position embedding settings, read the way transformers reads them. transformers 4
 * writes `rope_theta` plus an optional `rope_scaling` (older files say `type` instead of
 * `rope_type`); transformers 5 writes one `rope_parameters` object holding both. Either way the
 * normalised config carries all three keys, so builders read whichever spelling they prefer.
 */

import type { ConfigIssue } from '@etch/core';
import { z } from 'zod';
import { configIssuesFrom } from './config-issues.js';

const positive = z.number().positive();

/** The rope types transformers' `ROPE_INIT_FUNCTIONS` defines, with the fields each one requires. */
const ropeScalingSchema = z.discriminatedUnion('rope_type', [
  z.looseObject({ rope_type: z.literal('default') }),
  z.looseObject({ rope_type: z.literal('linear'), factor: positive }),
  z.looseObject({ rope_type: z.literal('dynamic'), factor: positive }),
  z.looseObject({
    rope_type: z.literal('yarn'),
    factor: positive,
    original_max_position_embeddings: z.number().int().positive().optional(),
    attention_factor: positive.optional(),
    beta_fast: positive.optional(),
    beta_slow: positive.optional(),
  }),
  z.looseObject({
    rope_type: z.literal('longrope'),
    short_factor: z.array(positive),
    long_factor: z.array(positive),
    original_max_position_embeddings: z.number().int().positive().optional(),
    attention_factor: positive.optional(),
  }),
  z.looseObject({
    rope_type: z.literal('llama3'),
    factor: positive,
    low_freq_factor: positive,
    high_freq_factor: positive,
    original_max_position_embeddings: z.number().int().positive().optional(),
  }),
]);

/** What `normalizeRope` adds to a config. */
export interface RopeSettings {
  rope_theta: number;
  /** `null` for plain RoPE; otherwise the scaling object with `rope_type` set. */
  rope_scaling: Record<string, unknown> | null;
  /** transformers 5's form: `{ rope_type, rope_theta, ...scaling fields }`. */
  rope_parameters: Record<string, unknown>;
  /** transformers 5 keeps `partial_rotary_factor` inside `rope_parameters`; lifted out here. */
  partial_rotary_factor?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `rope_parameters` (transformers 5) or `rope_theta` + `rope_scaling` (transformers 4) from
 * a raw config. `defaultTheta` is the architecture's default base; `thetaKey` lets GPT-NeoX read
 * its own spelling (`rotary_emb_base`); `typeAliases` renames legacy rope types (Phi-3's `su`).
 * Problems are pushed onto `issues`.
 */
export function normalizeRope(
  raw: Record<string, unknown>,
  defaultTheta: number,
  issues: ConfigIssue[],
  thetaKey = 'rope_theta',
  typeAliases: Readonly<Record<string, string>> = {},
): RopeSettings | undefined {
  const parameters = raw['rope_parameters'];
  let theta: unknown;
  let scaling: unknown;
  let scalingPath: string;
  let liftedPartialRotaryFactor: unknown;
  if (parameters !== undefined && parameters !== null) {
    if (!isRecord(parameters)) {
      issues.push({ path: 'rope_parameters', message: 'expected an object like {"rope_type": "default", "rope_theta": 10000}' });
      return undefined;
    }
    const { rope_theta: parameterTheta, partial_rotary_factor: partialRotaryFactor, ...rest } = parameters;
    liftedPartialRotaryFactor = partialRotaryFactor;
    theta = parameterTheta ?? raw[thetaKey] ?? defaultTheta;
    scaling = rest;
    scalingPath = 'rope_parameters';
  } else {
    theta = raw[thetaKey] ?? defaultTheta;
    scaling = raw['rope_scaling'] ?? null;
    scalingPath = 'rope_scaling';
  }

  const thetaResult = positive.safeParse(theta);
  if (!thetaResult.success) issues.push(...configIssuesFrom(thetaResult.error, [parameters ? 'rope_parameters.rope_theta' : thetaKey]));

  let normalizedScaling: Record<string, unknown> | null = null;
  if (scaling !== null) {
    if (!isRecord(scaling)) {
      issues.push({ path: scalingPath, message: 'expected an object with a "rope_type" (or null for plain RoPE)' });
      return undefined;
    }
    // transformers' `rope_config_validation` accepts the legacy `type` key for `rope_type`.
    const withType = scaling['rope_type'] === undefined && scaling['type'] !== undefined ? { ...scaling, rope_type: scaling['type'] } : scaling;
    const withDefault = withType['rope_type'] === undefined && scalingPath === 'rope_parameters' ? { ...withType, rope_type: 'default' } : withType;
    const alias = typeof withDefault['rope_type'] === 'string' && Object.hasOwn(typeAliases, withDefault['rope_type']) ? typeAliases[withDefault['rope_type']] : undefined;
    const result = ropeScalingSchema.safeParse(alias === undefined ? withDefault : { ...withDefault, rope_type: alias });
    if (!result.success) {
      issues.push(...configIssuesFrom(result.error, [scalingPath]));
      return undefined;
    }
    normalizedScaling = result.data.rope_type === 'default' ? null : (result.data as Record<string, unknown>);
  }
  if (!thetaResult.success) return undefined;
  return {
    rope_theta: thetaResult.data,
    rope_scaling: normalizedScaling,
    rope_parameters: { ...(normalizedScaling ?? { rope_type: 'default' }), rope_theta: thetaResult.data },
    ...(liftedPartialRotaryFactor === undefined ? {} : { partial_rotary_factor: liftedPartialRotaryFactor }),
  };
}

/** RoPE types scaled relative to a pretraining context length. */
const LENGTH_SCALED_TYPES = new Set(['llama3', 'yarn', 'longrope']);

/**
 * transformers 5's `standardize_rope_params`, run once the architecture's defaults are filled:
 * length-scaled types get `original_max_position_embeddings` (the config's top-level value, as
 * Phi-3 writes it, else the scaling's own, else `max_position_embeddings`), and a rotary fraction
 * (`partial_rotary_factor`) is mirrored into `rope_parameters`.
 */
export function completeRopeParameters(config: Record<string, unknown>): void {
  const parameters = config['rope_parameters'];
  // Absent only when normalizeRope already reported the RoPE settings as invalid.
  if (!isRecord(parameters)) return;
  const scaling = config['rope_scaling'] as Record<string, unknown> | null;
  if (scaling !== null && LENGTH_SCALED_TYPES.has(scaling['rope_type'] as string)) {
    const original = config['original_max_position_embeddings'] ?? scaling['original_max_position_embeddings'] ?? config['max_position_embeddings'];
    config['rope_scaling'] = { ...scaling, original_max_position_embeddings: original };
    parameters['original_max_position_embeddings'] = original;
  }
  if (typeof config['partial_rotary_factor'] === 'number') parameters['partial_rotary_factor'] = config['partial_rotary_factor'];
}
