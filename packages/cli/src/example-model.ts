/**
 * The built-in example checkpoint (a tiny Llama made by tools/make-example-model.ts) ships inside
 * the CLI package, so `etch export` works offline on a fresh machine with no `--model`.
 */

import { fileURLToPath } from 'node:url';

/** Absolute path of the example model folder, from both `src/` and the bundled `dist/`. */
export function exampleModelDirectory(): string {
  return fileURLToPath(new URL('../example-model', import.meta.url));
}
