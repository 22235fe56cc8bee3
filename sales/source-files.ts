import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { daysOf, type DateRange, type IsoDate } from './dates';
import { SalesDataError } from './errors';

/**
 * The files one source is read from. data.path names one file, or one a day by a date template
 * (`orders-{date}.xlsx`, `{date:YYYYMMDD}`), or any number by a wildcard in the file name (`orders-*.csv`): back
 * offices and ERP jobs deliver one export a day into a folder. All of them are read as one source.
 */
export interface SourceFiles {
  /** data.path as configured. */
  pattern: string;
  /** The files to read, oldest first. */
  files: string[];
  /** Days of the window whose file (by the date template) is not there. */
  missing: { date: IsoDate; path: string }[];
}

const TEMPLATE = /\{date(?::(YYYY-MM-DD|YYYYMMDD|YYYY_MM_DD))?\}/g;
const WILDCARD = /[*?]/;

export const hasDateTemplate = (pattern: string) => new RegExp(TEMPLATE.source).test(pattern);

/** The template's name for one day: {date} 2026-11-29, {date:YYYYMMDD} 20261129, {date:YYYY_MM_DD}. */
export function forDay(pattern: string, date: IsoDate): string {
  return pattern.replace(TEMPLATE, (_, format: string | undefined) =>
    format === 'YYYYMMDD' ? date.replaceAll('-', '') : format === 'YYYY_MM_DD' ? date.replaceAll('-', '_') : date,
  );
}

/** A name dated outside the window is not read (a folder keeps years of daily exports); an undated one is. */
export function datedInWindow(name: string, window: DateRange): boolean {
  const m = DATE_IN_NAME.exec(name);
  if (!m) return true;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return date >= window.start && date <= window.end;
}
/** A date in a file's name: 2026-11-29, 2026_11_29 or 20261129. */
const DATE_IN_NAME = /(20\d{2})[-_]?(\d{2})[-_]?(\d{2})/;

export function isMultiFile(pattern: string): boolean {
  return hasDateTemplate(pattern) || WILDCARD.test(basename(pattern));
}

/** The files `pattern` names for the days of `window` (what the report and its trend read). */
export async function sourceFiles(pattern: string, window: DateRange): Promise<SourceFiles> {
  if (hasDateTemplate(pattern)) {
    const files: string[] = [];
    const missing: SourceFiles['missing'] = [];
    for (const date of daysOf(window)) {
      const path = forDay(pattern, date);
      if (await isFile(path)) files.push(path);
      else missing.push({ date, path });
    }
    if (files.length === 0) {
      throw new SalesDataError(
        `${pattern}: no file for any day ${window.start} – ${window.end} (data.path's {date} template; ` +
          `the first would be ${missing[0]?.path})`,
      );
    }
    return { pattern, files, missing };
  }
  if (WILDCARD.test(basename(pattern))) {
    const dir = dirname(pattern);
    const matches = globRegExp(basename(pattern));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw new SalesDataError(`${pattern}: cannot list the folder ${dir}: ${(err as Error).message}`);
    }
    const files = names
      .filter((n) => matches.test(n) && datedInWindow(n, window))
      .sort()
      .map((n) => join(dir, n));
    if (files.length === 0) {
      throw new SalesDataError(
        `${pattern}: no file in ${dir} matches ${basename(pattern)} for ${window.start} – ${window.end} (data.path)`,
      );
    }
    return { pattern, files, missing: [] };
  }
  return { pattern, files: [pattern], missing: [] };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** A file-name wildcard (`*`, `?`) as a regular expression over one name. */
export function globRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`);
}
