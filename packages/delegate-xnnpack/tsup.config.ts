import { defineConfig } from 'tsup';

export default defineConfig({
  // Named entries keep the exports map's layout: dist/index.js and dist/runtime/index.js.
  entry: { index: 'src/index.ts', 'runtime/index': 'src/runtime/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
