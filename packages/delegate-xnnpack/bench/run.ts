// Runs the benchmark from the command line without the CLI:
// node --conditions=@etch/source --import tsx bench/run.ts [--json] [--models a,b] [--recipes x,y] [--no-llama-cpp]
import { runBenchmarks } from './run-benchmarks.js';

const argumentsList = process.argv.slice(2);
const listAfter = (flag: string) => {
  const index = argumentsList.indexOf(flag);
  return index < 0 ? undefined : argumentsList[index + 1]?.split(',');
};
await runBenchmarks({ json: argumentsList.includes('--json'), models: listAfter('--models'), recipes: listAfter('--recipes'), llamaCpp: !argumentsList.includes('--no-llama-cpp') });
