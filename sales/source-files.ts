import { readdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
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

const hasDateTemplate = (pattern: string) => new RegExp(TEMPLATE.source).test(pattern);

/** The template's name for one day: {date} 2026-11-29, {date:YYYYMMDD} 20261129, {date:YYYY_MM_DD}. */
function forDay(pattern: string, date: IsoDate): string {
  return pattern.replace(TEMPLATE, (_, format: string | undefined) =>
    format === 'YYYYMMDD' ? date.replaceAll('-', '') : format === 'YYYY_MM_DD' ? date.replaceAll('-', '_') : date,
  );
}

/** A name dated outside the window is not read (a folder keeps years of daily exports); an undated one is. */
function datedInWindow(name: string, window: DateRange): boolean {
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

/** Where the files are: whether one is there, and the names in a folder (one level, no sub-folders). */
export interface FileSpace {
  has(path: string): Promise<boolean>;
  namesIn(folder: string): Promise<string[]>;
}

/**
 * What a multi-file pattern picks for the window, wherever the files are (this host, an S3 prefix): by the date
 * template, one path a day (the ones not there are `missing`); by a wildcard, the matching names in the folder that
 * are not dated outside the window, in name order. The caller says what it means when none is there. `alsoIfThere`
 * (the same week a year earlier) adds its days' files where they are; one not there is not missing.
 */
export async function pickFiles(
  pattern: string,
  window: DateRange,
  space: FileSpace,
  alsoIfThere?: DateRange,
): Promise<Pick<SourceFiles, 'files' | 'missing'>> {
  if (hasDateTemplate(pattern)) {
    const files: string[] = [];
    const missing: SourceFiles['missing'] = [];
    for (const date of alsoIfThere ? daysOf(alsoIfThere).filter((d) => d < window.start) : []) {
      const path = forDay(pattern, date);
      if (await space.has(path)) files.push(path);
    }
    for (const date of daysOf(window)) {
      const path = forDay(pattern, date);
      if (await space.has(path)) files.push(path);
      else missing.push({ date, path });
    }
    return { files, missing };
  }
  const name = basename(pattern);
  const folder = pattern.slice(0, pattern.length - name.length);
  const matches = globRegExp(name);
  const names = await space.namesIn(folder);
  return {
    files: names
      .filter((n) => matches.test(n) && (datedInWindow(n, window) || (alsoIfThere && datedInWindow(n, alsoIfThere))))
      .sort()
      .map((n) => `${folder}${n}`),
    missing: [],
  };
}

/**
 * The files `pattern` names on this host for the days of `window` (what the report and its trend read), and those of
 * `alsoIfThere` that are there.
 */
export async function sourceFiles(pattern: string, window: DateRange, alsoIfThere?: DateRange): Promise<SourceFiles> {
  if (!isMultiFile(pattern)) return { pattern, files: [pattern], missing: [] };
  const dir = dirname(pattern);
  const { files, missing } = await pickFiles(
    pattern,
    window,
    {
      has: isFile,
      namesIn: async () => {
        try {
          return await readdir(dir);
        } catch (err) {
          throw new SalesDataError(`${pattern}: cannot list the folder ${dir}: ${(err as Error).message}`);
        }
      },
    },
    alsoIfThere,
  );
  if (files.length === 0) {
    throw new SalesDataError(
      hasDateTemplate(pattern)
        ? `${pattern}: no file for any day ${window.start} – ${window.end} (data.path's {date} template; ` +
            `the first would be ${missing[0]?.path})`
        : `${pattern}: no file in ${dir} matches ${basename(pattern)} for ${window.start} – ${window.end} (data.path)`,
    );
  }
  return { pattern, files, missing };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** A file-name wildcard (`*`, `?`) as a regular expression over one name. */
function globRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`);
}
