import { defineConfig } from 'tsup';

export default defineConfig({
  // Named entries keep the exports map's layout: dist/index.js, dist/runtime/index.js, dist/kernels/index.js, dist/bench/index.js.
  entry: { index: 'src/index.ts', 'runtime/index': 'src/runtime/index.ts', 'kernels/index': 'src/kernels/index.ts', 'bench/index': 'bench/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
