/**
 * Runs llama.cpp (npm `node-llama-cpp`, prebuilt CPU binaries) as the benchmark's reference
 * point. It is installed on demand into `.bench-out/llama-cpp`, outside the workspace's
 * dependencies, and driven with token ids directly (the GGUF's vocabulary is a placeholder).
 */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { decodeRates } from './decode-timing.js';

/** The node-llama-cpp release the benchmark pins. */
export const NODE_LLAMA_CPP_VERSION = '3.22.1';

/** Throughput of one model file. */
export interface Throughput {
  readonly prefillTokensPerSecond: number;
  /** Fastest window of `DECODE_WINDOW` consecutive tokens. */
  readonly decodeTokensPerSecond: number;
  readonly decodeMeanTokensPerSecond: number;
}

/** The parts of node-llama-cpp's API the benchmark uses. */
interface LlamaSequence {
  evaluateWithoutGeneratingNewTokens(tokens: number[]): Promise<void>;
  evaluate(tokens: number[]): AsyncGenerator<number, void, unknown>;
  clearHistory(): Promise<void>;
}
interface LlamaContext {
  getSequence(): LlamaSequence;
  dispose(): Promise<void>;
}
interface LlamaModel {
  createContext(options: { contextSize: number; batchSize: number; threads: number; sequences: number }): Promise<LlamaContext>;
  dispose(): Promise<void>;
}
interface Llama {
  loadModel(options: { modelPath: string }): Promise<LlamaModel>;
  dispose(): Promise<void>;
}
interface NodeLlamaCpp {
  getLlama(options: { gpu: false; build: 'never'; logLevel: string; logger?: (level: string, message: string) => void }): Promise<Llama>;
}

/** A loaded llama.cpp that measures GGUF files. */
export interface LlamaCppRunner {
  /** Prefill and decode tokens/s of `modelPath` with `threads` threads. */
  measure(modelPath: string, options: { prompt: readonly number[]; decodeTokens: number; threads: number }): Promise<Throughput>;
  dispose(): Promise<void>;
}

async function installedVersion(directory: string): Promise<string | undefined> {
  const manifest = join(directory, 'node_modules', 'node-llama-cpp', 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
}

/** Installs node-llama-cpp into `directory` (unless already there) and loads it. */
export async function loadLlamaCpp(directory: string, log: (line: string) => void): Promise<LlamaCppRunner> {
  if ((await installedVersion(directory)) !== NODE_LLAMA_CPP_VERSION) {
    log(`installing node-llama-cpp ${NODE_LLAMA_CPP_VERSION} into ${directory}`);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'package.json'), '{ "private": true }\n');
    await promisify(execFile)(
      'npm',
      ['install', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}`, `@node-llama-cpp/linux-x64@${NODE_LLAMA_CPP_VERSION}`],
      { cwd: directory },
    );
  }
  const entry = pathToFileURL(join(directory, 'node_modules', 'node-llama-cpp', 'dist', 'index.js')).href;
  const module = (await import(entry)) as NodeLlamaCpp;
  const llama = await module.getLlama({ gpu: false, build: 'never', logLevel: 'error', logger: () => {} });
  return {
    async measure(modelPath, { prompt, decodeTokens, threads }) {
      const model = await llama.loadModel({ modelPath });
      const context = await model.createContext({ contextSize: prompt.length + decodeTokens + 16, batchSize: prompt.length, threads, sequences: 1 });
      const sequence = context.getSequence();
      try {
        let prefillSeconds = Infinity;
        for (let repeat = 0; repeat < 3; repeat++) {
          await sequence.clearHistory();
          const start = performance.now();
          await sequence.evaluateWithoutGeneratingNewTokens([...prompt]);
          prefillSeconds = Math.min(prefillSeconds, (performance.now() - start) / 1000);
        }
        // Each generated token is one decode step over the prompt's KV cache.
        const steps: number[] = [];
        let last = performance.now();
        for await (const token of sequence.evaluate([prompt[prompt.length - 1]!])) {
          const now = performance.now();
          steps.push((now - last) / 1000);
          last = now;
          if (token < 0 || steps.length >= decodeTokens) break;
        }
        const rates = decodeRates(steps);
        return { prefillTokensPerSecond: prompt.length / prefillSeconds, decodeTokensPerSecond: rates.bestWindow, decodeMeanTokensPerSecond: rates.mean };
      } finally {
        await context.dispose();
        await model.dispose();
      }
    },
    async dispose() {
      await llama.dispose();
    },
  };
}
