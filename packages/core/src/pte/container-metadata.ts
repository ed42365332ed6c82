/**
 * `ExecutionPlan.container_meta_type` strings: the pytree structure of a method's
 * `(args, kwargs)` and of its return value. The runtime never parses them, but tools do, and
 * upstream writes them in torch's `treespec_dumps` JSON (protocol 1) — what every OSS export
 * contains. This module writes that format exactly as Python's `json.dumps` spells it, and
 * decodes both it and ExecuTorch's older C++ pytree strings (`T2#1#0(T1#1($),D0())`).
 */

import { PteFormatError } from '../errors.js';
import type { MetadataValue } from '../ir/program.js';

/** A decoded pytree node. Leaves are the flattened values; `None` is a node with no leaves. */
export type TreeSpec =
  | { kind: 'leaf' }
  | { kind: 'none' }
  | { kind: 'tuple'; children: TreeSpec[] }
  | { kind: 'list'; children: TreeSpec[] }
  | { kind: 'dict'; keys: (string | number)[]; children: TreeSpec[] }
  /** Anything else (namedtuple, custom classes): `type` is torch's type name. */
  | { kind: 'other'; type: string; context: unknown; children: TreeSpec[] };

interface JsonSpec {
  type: string | null;
  context: string | null;
  children_spec: JsonSpec[];
}

const LEAF: JsonSpec = { type: null, context: null, children_spec: [] };

/** Python's `json.dumps` with default settings: `", "`/`": "` separators and ASCII-only output. */
function pythonJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`);
  return `{${entries.join(', ')}}`;
}

function dumps(spec: JsonSpec): string {
  return pythonJson([1, spec]);
}

function tupleSpec(children: JsonSpec[]): JsonSpec {
  return { type: 'builtins.tuple', context: 'null', children_spec: children };
}

/**
 * The input spec of a method called with keyword arguments only, as Hugging Face exports are:
 * `((), {input_ids: …, cache_position: …})`.
 */
export function encodeMethodInputs(inputNames: readonly string[]): string {
  const kwargs: JsonSpec = { type: 'builtins.dict', context: pythonJson([...inputNames]), children_spec: inputNames.map(() => LEAF) };
  return dumps(tupleSpec([tupleSpec([]), kwargs]));
}

/** The output spec of a method returning `count` tensors: a bare leaf for one, a tuple otherwise. */
export function encodeMethodOutputs(count: number): string {
  if (count === 1) return dumps(LEAF);
  return dumps(tupleSpec(Array.from({ length: count }, () => LEAF)));
}

/** The output spec of a constant method: a leaf for a scalar, a list of leaves for a list. */
export function encodeConstantOutput(value: MetadataValue): string {
  if (Array.isArray(value)) return dumps({ type: 'builtins.list', context: 'null', children_spec: value.map(() => LEAF) });
  return dumps(LEAF);
}

function formatError(text: string, message: string): PteFormatError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return new PteFormatError('container_meta_type', `${message} in ${JSON.stringify(shown)}`, {
    hint: 'The pytree string is not in a format etch knows; the program still runs, only its input/output structure is unknown.',
  });
}

function fromJson(node: unknown, text: string, depth: number): TreeSpec {
  if (depth > 64) throw formatError(text, 'pytree nests deeper than 64 levels');
  if (typeof node !== 'object' || node === null || !Array.isArray((node as JsonSpec).children_spec)) {
    throw formatError(text, 'pytree node is not {type, context, children_spec}');
  }
  const spec = node as JsonSpec;
  const children = spec.children_spec.map((child) => fromJson(child, text, depth + 1));
  switch (spec.type) {
    case null:
      return { kind: 'leaf' };
    case 'builtins.NoneType':
      return { kind: 'none' };
    case 'builtins.tuple':
      return { kind: 'tuple', children };
    case 'builtins.list':
      return { kind: 'list', children };
    case 'builtins.dict':
    case 'collections.OrderedDict': {
      let keys: unknown;
      try {
        keys = JSON.parse(spec.context ?? '[]');
      } catch {
        throw formatError(text, 'dict context is not a JSON list of keys');
      }
      if (!Array.isArray(keys) || keys.length !== children.length || !keys.every((key) => typeof key === 'string' || typeof key === 'number')) {
        throw formatError(text, 'dict context does not list one string or integer key per child');
      }
      return { kind: 'dict', keys: keys as (string | number)[], children };
    }
    default: {
      let context: unknown = spec.context;
      try {
        context = spec.context === null ? null : JSON.parse(spec.context);
      } catch {
        // A context that is not JSON is kept as the raw string.
      }
      return { kind: 'other', type: String(spec.type), context, children };
    }
  }
}

/** Parser for ExecuTorch's C++ pytree strings: `<K><n>#<leaves>…(<child>,…)`, `$` = leaf. */
class PytreeStringParser {
  private position = 0;
  constructor(private readonly text: string) {}

  parse(): TreeSpec {
    const node = this.node(0);
    if (this.position !== this.text.length) throw formatError(this.text, `unexpected ${JSON.stringify(this.text[this.position])} at ${this.position}`);
    return node;
  }

  private expect(character: string): void {
    if (this.text[this.position] !== character) throw formatError(this.text, `expected ${JSON.stringify(character)} at ${this.position}`);
    this.position++;
  }

  private integer(): number {
    const start = this.position;
    while (/[0-9]/.test(this.text[this.position] ?? '')) this.position++;
    if (start === this.position) throw formatError(this.text, `expected a number at ${start}`);
    return Number(this.text.slice(start, this.position));
  }

  private key(): string | number {
    if (this.text[this.position] === "'") {
      const end = this.text.indexOf("'", this.position + 1);
      if (end < 0) throw formatError(this.text, 'unterminated dict key');
      const key = this.text.slice(this.position + 1, end);
      this.position = end + 1;
      return key;
    }
    return this.integer();
  }

  private node(depth: number): TreeSpec {
    if (depth > 64) throw formatError(this.text, 'pytree nests deeper than 64 levels');
    const kind = this.text[this.position];
    if (kind === '$') {
      this.position++;
      return { kind: 'leaf' };
    }
    if (kind === undefined || kind === ',' || kind === ')') return { kind: 'none' };
    this.position++;
    let customType: string | null = null;
    if (kind === 'C') {
      this.expect('(');
      const end = this.text.indexOf(')', this.position);
      if (end < 0) throw formatError(this.text, 'unterminated custom type name');
      customType = this.text.slice(this.position, end);
      this.position = end + 1;
    } else if (!'TLDN'.includes(kind)) {
      throw formatError(this.text, `unknown pytree node kind ${JSON.stringify(kind)}`);
    }
    const count = this.integer();
    for (let index = 0; index < count; index++) {
      this.expect('#');
      this.integer();
    }
    this.expect('(');
    const children: TreeSpec[] = [];
    const keys: (string | number)[] = [];
    for (let index = 0; index < count; index++) {
      if (index > 0) this.expect(',');
      if (kind === 'D') {
        keys.push(this.key());
        this.expect(':');
      }
      children.push(this.node(depth + 1));
    }
    this.expect(')');
    if (kind === 'T') return { kind: 'tuple', children };
    if (kind === 'L') return { kind: 'list', children };
    if (kind === 'D') return { kind: 'dict', keys, children };
    return { kind: 'other', type: customType ?? 'namedtuple', context: null, children };
  }
}

/**
 * Decodes a `container_meta_type` string in either format. Returns null for the empty string
 * (constant methods have no inputs).
 *
 * @throws PteFormatError when the string is in neither format.
 */
export function decodeTreeSpec(encoded: string): TreeSpec | null {
  if (encoded === '') return null;
  if (encoded.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(encoded);
    } catch {
      throw formatError(encoded, 'pytree JSON does not parse');
    }
    if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== 1) throw formatError(encoded, 'pytree JSON is not [1, spec] (protocol 1)');
    return fromJson(parsed[1], encoded, 0);
  }
  return new PytreeStringParser(encoded).parse();
}

/**
 * Names for the leaves of a spec, in flattening order: a method's input spec `((), {input_ids,
 * cache_position})` gives `['input_ids', 'cache_position']`; positional leaves are named by
 * their path (`args[0]`, `[1]`, `result`).
 */
export function treeSpecLeafNames(spec: TreeSpec | null): string[] {
  if (spec === null) return [];
  const [args, kwargs] = spec.kind === 'tuple' && spec.children.length === 2 ? spec.children : [];
  if (args?.kind === 'tuple' && kwargs?.kind === 'dict') {
    return [...args.children.flatMap((child, index) => leafNames(child, `args[${index}]`)), ...leafNames(kwargs, '')];
  }
  return leafNames(spec, '');
}

function leafNames(spec: TreeSpec, prefix: string): string[] {
  switch (spec.kind) {
    case 'leaf':
      return [prefix === '' ? 'result' : prefix];
    case 'none':
      return [];
    case 'dict':
      return spec.children.flatMap((child, index) => {
        const key = String(spec.keys[index]);
        return leafNames(child, prefix === '' ? key : `${prefix}.${key}`);
      });
    default:
      return spec.children.flatMap((child, index) => leafNames(child, `${prefix}[${index}]`));
  }
}

/** Number of leaves (flattened values) of a spec. */
export function treeSpecLeafCount(spec: TreeSpec | null): number {
  if (spec === null || spec.kind === 'none') return 0;
  if (spec.kind === 'leaf') return 1;
  return spec.children.reduce((total, child) => total + treeSpecLeafCount(child), 0);
}
