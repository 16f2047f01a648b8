import { pathToFileURL } from 'node:url';
import { launchChromium } from './browser.ts';

/** A full-page PNG of a report page as Chromium draws it, e.g. for a closing note. */
export async function screenshotPage(page: string, file: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await tab.goto(pathToFileURL(page).href, { timeout: 30_000 });
    await tab.screenshot({ path: file, fullPage: true, timeout: 30_000 });
  } finally {
    await browser.close();
  }
}
