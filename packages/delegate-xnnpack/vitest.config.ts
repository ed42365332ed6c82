// Kernel benchmarks keep their tests beside them in bench/, next to src/ and test/.
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(sharedConfig, defineConfig({ test: { include: ['bench/**/*.test.ts'] } }));
