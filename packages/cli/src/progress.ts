/**
 * Progress bars for long work (loading weights, exporting, downloading), drawn on stderr with
 * cli-progress when it is a terminal, and as occasional plain lines otherwise (CI logs).
 */

import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface ProgressReporter {
  update(stage: string, fraction: number, message?: string): void;
  stop(): void;
}

export function createProgress(io: CliIo): ProgressReporter {
  if (!io.interactive) {
    let lastStage = '';
    return {
      update(stage, fraction, message) {
        if (stage !== lastStage || fraction >= 1) {
          io.stderr(`${stage}${message ? `: ${message}` : ''}\n`);
          lastStage = stage;
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{stage} [{bar}] {percentage}% {message}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(stage, fraction, message = '') {
      const value = Math.round(Math.min(Math.max(fraction, 0), 1) * 100);
      if (!started) {
        bar.start(100, value, { stage, message });
        started = true;
      } else bar.update(value, { stage, message });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
