/**
 * Typed reads of `config.json` values for the graph builders. The loader validates the file as a
 * whole; these readers give each builder the one value it needs, with its Hugging Face default,
 * and fail with a `ConfigError` naming the key when a value has the wrong type.
 */

import { ConfigError } from '@etch/core';

type Config = Readonly<Record<string, unknown>>;

function invalid(key: string, message: string): never {
  throw new ConfigError('config.json', [{ path: key, message }], {
    hint: `fix '${key}' in config.json (its meaning is documented by the model's transformers configuration class)`,
  });
}

/** A numeric value, or `fallback` when the key is absent or null. */
export function numberValue(config: Config, key: string, fallback?: number): number {
  const value = config[key];
  if (value === undefined || value === null) {
    if (fallback === undefined) invalid(key, 'is required');
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(key, `must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** A numeric value, or null when the key is absent or null. */
export function optionalNumber(config: Config, key: string): number | null {
  const value = config[key];
  if (value === undefined || value === null) return null;
  return numberValue(config, key);
}

/** A positive integer, or `fallback` when absent or null. */
export function integerValue(config: Config, key: string, fallback?: number): number {
  const value = numberValue(config, key, fallback);
  if (!Number.isInteger(value) || value < 0) invalid(key, `must be a non-negative integer, got ${value}`);
  return value;
}

export function booleanValue(config: Config, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') invalid(key, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function stringValue(config: Config, key: string, fallback: string): string {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') invalid(key, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** A nested object (`rope_scaling`), or null when absent or null. */
export function objectValue(config: Config, key: string): Config | null {
  const value = config[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) invalid(key, `must be an object, got ${JSON.stringify(value)}`);
  return value as Config;
}

/** A list of strings (`layer_types`), or null when absent or null. */
export function stringList(config: Config, key: string): string[] | null {
  const value = config[key];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) invalid(key, 'must be a list of strings');
  return value as string[];
}

/** Rejects a configuration feature etch does not implement, naming the key. */
export function unsupported(key: string, message: string): never {
  throw new ConfigError('config.json', [{ path: key, message }], {
    hint: 'this feature is not implemented by etch yet; see docs/architectures.md for what each architecture supports',
  });
}
