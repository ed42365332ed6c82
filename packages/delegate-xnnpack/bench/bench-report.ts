/**
 * The benchmark's result as data (`BenchReport`, what `--json` prints) and its text table.
 */

/**
 * One measured configuration: `etch` (a `.pte` exported with the recipe, run by the runtime),
 * `etch-kernels` (the recipe's weights in the delegate's kernels, in a plain forward pass), or
 * `llama.cpp` with a GGUF precision.
 */
export interface BenchRow {
  readonly model: string;
  readonly runtime: 'etch' | 'etch-kernels' | 'llama.cpp';
  /** Our recipe (`xnnpack_q8`, …) or llama.cpp's tensor type (`Q8_0`, …). */
  readonly configuration: string;
  /** How it ran: `.pte` size (etch), kernel implementation (etch-kernels: `wasm-simd`, `typescript`), threads (llama.cpp). */
  readonly engine: string;
  /** The llama.cpp precision this row is compared with (etch rows only). */
  readonly comparedWith?: string;
  readonly weightBytesPerToken: number;
  readonly prefillTokensPerSecond?: number;
  /** Fastest window of 8 consecutive decode steps (the machine may be shared). */
  readonly decodeTokensPerSecond?: number;
  /** Mean over all decode steps. */
  readonly decodeMeanTokensPerSecond?: number;
  /** Weight bytes per token ÷ measured bandwidth, as tokens/s. */
  readonly boundTokensPerSecond: number;
  readonly decodeVersusLlamaCpp?: number;
  readonly prefillVersusLlamaCpp?: number;
  readonly decodeVersusBound?: number;
  /** Why the row has no measurement. */
  readonly error?: string;
}

/** Everything one benchmark run measured. */
export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly wasmSimd: boolean };
  /** Single-thread memory read bandwidth measured in this run, bytes/s. */
  readonly bandwidthBytesPerSecond: number;
  readonly promptTokens: Readonly<Record<string, number>>;
  readonly decodeTokens: Readonly<Record<string, number>>;
  readonly threads: number;
  readonly rows: readonly BenchRow[];
  /** SVG plot of decode tokens/s, when written. */
  readonly plotPath?: string;
}

function format(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** The report as an aligned text table, one line per row, with a header and notes. */
export function formatBenchTable(report: BenchReport): string[] {
  const header = ['model', 'runtime', 'configuration', 'engine', 'MB/token', 'prefill tok/s', 'decode tok/s', 'decode mean', 'bound tok/s', 'decode/llama.cpp', 'prefill/llama.cpp', 'decode/bound'];
  const body = report.rows.map((row) => [
    row.model,
    row.runtime,
    row.comparedWith ? `${row.configuration} (vs ${row.comparedWith})` : row.configuration,
    row.engine,
    format(row.weightBytesPerToken / 1e6),
    format(row.prefillTokensPerSecond),
    row.error ? `error: ${row.error}` : format(row.decodeTokensPerSecond),
    format(row.decodeMeanTokensPerSecond),
    format(row.boundTokensPerSecond),
    row.decodeVersusLlamaCpp === undefined ? '' : `${format(row.decodeVersusLlamaCpp, 2)}×`,
    row.prefillVersusLlamaCpp === undefined ? '' : `${format(row.prefillVersusLlamaCpp, 2)}×`,
    row.decodeVersusBound === undefined ? '' : `${format(row.decodeVersusBound, 2)}×`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column >= 4 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  return [
    `bandwidth ${(report.bandwidthBytesPerSecond / 1e9).toFixed(1)} GB/s (1 thread, measured now); ${report.threads} thread; etch = .pte through the runtime, etch-kernels = the delegate's kernels in a plain forward pass; prefill = best of repeats, decode = fastest 8-token window (and mean)`,
    line(header),
    line(header.map((_, column) => '-'.repeat(widths[column]!))),
    ...body.map(line),
  ];
}
