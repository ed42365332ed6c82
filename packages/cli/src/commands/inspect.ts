/**
 * `etch inspect`: what is inside a `.pte` — methods, operators, instructions, delegates and their
 * payloads, segments, memory arenas and the LLM metadata — as text, as JSON (`--json`), or as a
 * self-contained HTML page with pictures (`--html OUT.html`).
 */

import { readFile } from 'node:fs/promises';
import { inspectPte, renderInspectHtml, renderInspectText } from '@etch/core';
import { writeFileAtomic } from '@etch/transformers';
import { parse } from '../arguments.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import type { CliIo } from '../io.js';

const usage = `Usage: etch inspect FILE.pte [--json] [--html OUT.html]

Prints a summary of the program; --json prints the full summary as JSON, --html writes a page
showing where the bytes go and each method's memory arenas.`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('inspect', args, { json: { type: 'boolean', default: false }, html: { type: 'string' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('expected exactly one FILE.pte', "run 'etch inspect --help'");
  const bytes = new Uint8Array(await readFile(file));
  const summary = inspectPte(bytes, { source: file });
  if (values.html !== undefined) {
    await writeFileAtomic(values.html, renderInspectHtml(summary));
    io.stderr(`wrote ${values.html}\n`);
  }
  const text = values.json ? JSON.stringify(summary, null, 2) : renderInspectText(summary);
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

export const inspectCommand: Command = { name: 'inspect', summary: 'show what is inside a .pte program', usage, run };
