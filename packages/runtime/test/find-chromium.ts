/**
 * Finds a Chromium executable for the headless-browser test: `CHROMIUM_PATH`, or Debian's
 * `chromium` package. Locally a missing browser skips the test; under CI it is a failure.
 */

import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const path = [process.env.CHROMIUM_PATH, ...CANDIDATES].find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!path && process.env.CI) throw new Error('Chromium is required under CI: apt-get install -y chromium, or set CHROMIUM_PATH');
  return path;
}
