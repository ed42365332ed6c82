/**
 * Child-process probe for the memory test: loads the checkpoint folder given as the first
 * argument with `AutoModelForCausalLM.fromPretrained`, reads every tensor and keeps them all
 * alive (as an export does), then prints peak RSS and the bytes read as JSON on stdout.
 * Run bundled (see load-memory.test.ts), or: node --conditions=@etch/source --import tsx test/measure-load-memory.ts <folder>
 */

import { AutoModelForCausalLM } from '../src/auto-model.js';

const folder = process.argv[2];
if (!folder) throw new Error('usage: measure-load-memory.ts <checkpoint folder>');
const baselineRss = process.resourceUsage().maxRSS * 1024;
const model = await AutoModelForCausalLM.fromPretrained(folder);
const kept = model.weights.names().map((name) => model.weights.get(name));
const tensorBytes = kept.reduce((total, tensor) => total + tensor.nbytes, 0);
process.stdout.write(`${JSON.stringify({ baselineRss, peakRss: process.resourceUsage().maxRSS * 1024, tensorBytes, tensors: kept.length })}\n`);
