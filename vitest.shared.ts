// Shared vitest settings: resolve workspace packages to their TypeScript sources through the
// "@etch/source" export condition, so tests never need a build of another package first.
import { defineConfig } from 'vitest/config';

export const sharedConfig = defineConfig({
  resolve: { conditions: ['@etch/source'] },
  ssr: { resolve: { conditions: ['@etch/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
