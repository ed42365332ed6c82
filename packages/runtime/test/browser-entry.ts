/**
 * The page script of the headless-browser test: loads a `.pte` and tokenizer files by URL, the way
 * a web app would, and generates greedily. Bundled by esbuild from the runtime's sources.
 */

import { Module, Tokenizer, generate } from '../src/index.js';

export interface BrowserGeneration {
  promptIds: number[];
  generatedIds: number[];
  text: string;
  stopReason: string;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}

async function generateInPage(programUrl: string, tokenizerUrl: string, configUrl: string, prompt: string, maxNewTokens: number): Promise<BrowserGeneration> {
  const module = await Module.load(programUrl);
  const tokenizer = Tokenizer.fromFiles({ 'tokenizer.json': await fetchText(tokenizerUrl), 'tokenizer_config.json': await fetchText(configUrl) });
  const result = await generate(module, { tokenizer, prompt, maxNewTokens });
  return { promptIds: result.promptIds, generatedIds: result.generatedIds, text: result.text, stopReason: result.stopReason };
}

(globalThis as { generateInPage?: typeof generateInPage }).generateInPage = generateInPage;
