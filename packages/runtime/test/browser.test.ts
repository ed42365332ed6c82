import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { findSharedData } from '@etch/core/testing';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Module, Tokenizer, generate } from '../src/index.js';
import type { BrowserGeneration } from './browser-entry.js';
import { findChromium } from './find-chromium.js';

const executablePath = findChromium();
const programPath = findSharedData('conformance/upstream-llm/stories260K/portable_static.pte');
const modelDirectory = findSharedData('models/stories260K');
const prompt = 'Once upon a time';
const maxNewTokens = 24;

/** Bundles the page script for browsers; no Node module may end up in it. */
async function bundlePageScript(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@etch/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function serve(files: Record<string, { type: string; body: string | Uint8Array }>): Promise<Server> {
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!executablePath || !programPath || !modelDirectory)('the runtime in headless Chromium', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('loads the upstream stories260K program by URL and generates the same greedy tokens as Node', async () => {
    const script = await bundlePageScript();
    expect(script).not.toMatch(/from ["']node:/);
    server = await serve({
      '/': { type: 'text/html', body: '<!doctype html><script type="module" src="/runtime.js"></script>' },
      '/runtime.js': { type: 'text/javascript', body: script },
      '/stories260K.pte': { type: 'application/octet-stream', body: readFileSync(programPath!) },
      '/tokenizer.json': { type: 'application/json', body: readFileSync(`${modelDirectory}/tokenizer.json`) },
      '/tokenizer_config.json': { type: 'application/json', body: readFileSync(`${modelDirectory}/tokenizer_config.json`) },
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const module = await Module.load(programPath!);
    const tokenizer = Tokenizer.fromFiles({
      'tokenizer.json': readFileSync(`${modelDirectory}/tokenizer.json`),
      'tokenizer_config.json': readFileSync(`${modelDirectory}/tokenizer_config.json`),
    });
    const inNode = await generate(module, { tokenizer, prompt, maxNewTokens });

    const browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => 'generateInPage' in globalThis);
      const inBrowser = await page.evaluate(
        ([promptText, count]) =>
          (globalThis as unknown as { generateInPage: (...args: unknown[]) => Promise<BrowserGeneration> }).generateInPage(
            '/stories260K.pte',
            '/tokenizer.json',
            '/tokenizer_config.json',
            promptText,
            count,
          ),
        [prompt, maxNewTokens] as const,
      );
      expect(errors).toEqual([]);
      expect(inBrowser.promptIds).toEqual(inNode.promptIds);
      expect(inBrowser.generatedIds).toEqual(inNode.generatedIds);
      expect(inBrowser.text).toBe(inNode.text);
      expect(inBrowser.generatedIds).toHaveLength(maxNewTokens);
    } finally {
      await browser.close();
    }
  });
});
