/**
 * `etch export`: a Hugging Face checkpoint (a folder or a hub id; the built-in example model when
 * omitted) with its static cache fixed at load time → an exported program → a `.pte` written
 * atomically, with progress on stderr and a one-line summary of what was delegated.
 */

import { type DelegationReport, toExecutorch } from '@etch/core';
import { AutoModelForCausalLM, exportProgram } from '@etch/transformers';
import { writeFileAtomic } from '@etch/transformers';
import { integerFlag, parse } from '../arguments.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { exampleModelDirectory } from '../example-model.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { availableRecipes, describeRecipes } from '../recipes.js';

const DTYPES = ['float32', 'float16', 'bfloat16'] as const;
type Dtype = (typeof DTYPES)[number];

const usage = `Usage: etch export [--model DIR|HUB_ID] [--recipe NAME] [--max-cache-len N] [--max-seq-len N]
                   [--dtype float32|float16|bfloat16] [--no-embed-tokenizer] -o FILE.pte
       etch export --list-recipes

Loads the model with a static KV cache of --max-cache-len positions (default: the model's
generation_config.json, else min(1024, its maximum positions)), exports forward(input_ids, cache_position) and writes an
ExecuTorch program. --max-seq-len N > 1 makes the sequence length dynamic (prefill up to N
tokens per call); the default is 1 token per call. Without --model, the built-in example model.`;

function dtypeFlag(value: string | undefined): Dtype | undefined {
  if (value === undefined) return undefined;
  if ((DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got '${value}'`);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parse('export', args, {
    model: { type: 'string' },
    recipe: { type: 'string', default: 'portable' },
    'max-cache-len': { type: 'string' },
    'max-seq-len': { type: 'string' },
    dtype: { type: 'string' },
    'no-embed-tokenizer': { type: 'boolean', default: false },
    'list-recipes': { type: 'boolean', default: false },
    output: { type: 'string', short: 'o' },
  });
  const recipes = availableRecipes();
  if (values['list-recipes']) {
    io.stdout(`${describeRecipes(recipes)}\n`);
    return 0;
  }
  if (!values.output) throw new UsageError('missing -o FILE.pte', "run 'etch export --help'");
  const recipe = recipes.find((candidate) => candidate.name === values.recipe);
  if (!recipe) throw new UsageError(`unknown recipe '${values.recipe}'`, `known recipes:\n${describeRecipes(recipes)}`);
  const maxCacheLength = integerFlag('max-cache-len', values['max-cache-len'], { min: 1 });
  const maxSequenceLength = integerFlag('max-seq-len', values['max-seq-len'], { min: 1 });
  const dtype = dtypeFlag(values.dtype);

  const progress = createProgress(io);
  try {
    const model = await AutoModelForCausalLM.fromPretrained(values.model ?? exampleModelDirectory(), {
      attnImplementation: 'sdpa',
      ...(dtype ? { dtype } : {}),
      ...(maxCacheLength ? { cacheConfig: { cacheImplementation: 'static', maxCacheLength, maxBatchSize: 1 } } : {}),
      onProgress: (event) => progress.update('load', event.fraction, event.message),
    });
    if (maxSequenceLength !== undefined && maxSequenceLength > model.cacheConfig.maxCacheLength) {
      throw new UsageError(`--max-seq-len ${maxSequenceLength} exceeds the cache length ${model.cacheConfig.maxCacheLength}`, 'raise --max-cache-len or lower --max-seq-len');
    }
    const program = exportProgram(model, {
      sequenceLength: maxSequenceLength && maxSequenceLength > 1 ? { max: maxSequenceLength } : 1,
      embedTokenizer: !values['no-embed-tokenizer'],
      onProgress: (event) => progress.update('export', event.fraction, event.message),
    });
    const artifact = await toExecutorch(program, {
      recipe,
      onProgress: (event) => progress.update(event.stage, event.fraction, event.message),
    });
    await writeFileAtomic(values.output, artifact.bytes);
    progress.stop();
    for (const report of artifact.delegation) io.stderr(`${formatDelegation(report)}\n`);
    const memory = artifact.memory.map((m) => `${m.method}: arena ${m.arenaBytes} B (lower bound ${m.lowerBound} B)`).join(', ');
    io.stderr(`wrote ${values.output}: ${artifact.bytes.length} bytes, recipe ${artifact.recipe}, cache ${model.cacheConfig.maxCacheLength} positions; ${memory}\n`);
    return 0;
  } finally {
    progress.stop();
  }
}

function formatDelegation(report: DelegationReport): string {
  const left = new Map<string, number>();
  for (const diagnostic of report.diagnostics) left.set(diagnostic.op, (left.get(diagnostic.op) ?? 0) + 1);
  const summary = [...left].map(([op, count]) => `${op}×${count}`).join(', ');
  return `${report.backendId} (${report.method}): ${report.delegatedNodes} nodes in ${report.partitions} partitions${summary ? `; left to portable kernels: ${summary}` : ''}`;
}

export const exportCommand: Command = { name: 'export', summary: 'export a Hugging Face model to a .pte program', usage, run };
