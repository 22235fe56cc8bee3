import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Headless Chromium from the npm registry (@sparticuz/chromium: a self-contained build with the libraries it needs,
 * unpacked into the temp dir on first use), driven over a pipe by puppeteer-core. No system browser, no root, no
 * download from anywhere but the registry, and one pinned version on every machine.
 */
export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args,
    headless: 'shell',
    pipe: true,
    timeout: 60_000,
  });
}
