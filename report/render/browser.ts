import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { printFontFiles } from './print-fonts';

/** The package's root: it exports only its entry points, not package.json. */
const PACKAGE_DIR = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..');
const VERSION = (JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Where the browser is unpacked: the package unpacks into the temp dir and reuses any "chromium" it finds there,
 * whoever put it there and whatever its version. A cache of this user's and this version's own avoids both.
 */
const UNPACK_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sales-report', `chromium-${VERSION}`);

/**
 * The package, loaded as the ES module it is (its CommonJS types are marked ESM, which a compiled CommonJS worker
 * cannot require): a dynamic import works from both the sources and the build.
 */
async function chromiumPackage() {
  return (await import('@sparticuz/chromium')).default;
}

async function executablePath(): Promise<string> {
  mkdirSync(UNPACK_DIR, { recursive: true });
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = UNPACK_DIR;
  try {
    return await (await chromiumPackage()).executablePath();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
}

/**
 * Headless Chromium from the npm registry (the PDF's printer, and the tests' reader of what a person sees) (@sparticuz/chromium: a self-contained build with the libraries it needs),
 * driven over a pipe by puppeteer-core. No system browser, no root, no download from anywhere but the registry, and
 * one pinned version on every machine.
 */
export async function launchBrowser(): Promise<Browser> {
  const path = await executablePath();
  return puppeteer.launch({
    executablePath: path,
    args: (await chromiumPackage()).args,
    headless: 'shell',
    pipe: true,
    timeout: 60_000,
    env: { ...process.env, FONTCONFIG_FILE: fontConfig() },
  });
}

/**
 * The fonts the browser may use: the ones the package unpacked and the product's own Noto Sans SC (as printed: see
 * print-fonts.ts), so Chinese text renders on a machine with no CJK font (the package's own configuration points at
 * fixed paths under /tmp).
 */
function fontConfig(): string {
  const file = join(UNPACK_DIR, 'fonts-sales-report.conf');
  const printFonts = printFontFiles(join(UNPACK_DIR, 'fonts-print-1'));
  const dirs = [join(UNPACK_DIR, 'fonts'), ...new Set(printFonts.map((f) => dirname(f)))];
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n${dirs
      .map((d) => `  <dir>${d}</dir>`)
      .join('\n')}\n  <cachedir>${join(UNPACK_DIR, 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`,
  );
  return file;
}
