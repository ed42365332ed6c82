// The committed kernel binaries must be what the AssemblyScript sources compile to today;
// otherwise tests would run stale kernels. Fix a failure with `pnpm --filter @etch/delegate-xnnpack build`.

import { describe, expect, it } from 'vitest';
import { compileKernels, generatedModuleText } from '../../../scripts/compile-kernels.js';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

describe('generated kernel binaries', () => {
  it('match a fresh compilation of assembly/', async () => {
    const [simd, scalar] = await Promise.all([compileKernels({ simd: true }), compileKernels({ simd: false })]);
    const committed = await readFile(fileURLToPath(new URL('./kernel-binaries.ts', import.meta.url)), 'utf8');
    expect(committed).toBe(generatedModuleText(simd, scalar));
  });
});
