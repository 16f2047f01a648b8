import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it as it is, since no browser build can be downloaded here. */
const defaultChromium = '/usr/bin/chromium';

/** Headless Chromium from `CHROMIUM_PATH` or Debian's package, with a launch deadline. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? defaultChromium;
  if (!existsSync(executablePath)) {
    throw new Error(
      `There is no Chromium at ${executablePath}. Install Debian's chromium (scripts/bootstrap.sh does), ` +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  }
  return chromium.launch({ executablePath, headless: true, timeout: 30_000 });
}
