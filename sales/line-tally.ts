import { SalesDataError } from './errors';
import type { Field, ParsedLine } from './order-fields';
import type { OrderLine } from './aggregator';
import type { RowProblem, RowTally, UnsavedFormula } from './metrics';

/** Where readable lines go, and what they add up to: one report's slices, or every view of a morning. */
export interface LineSink<R> {
  add(line: OrderLine): void;
  finish(quality: RowTally): R;
}

/**
 * The rows of a source as they are read: each readable line into the aggregates, each unreadable one counted, the
 * first few with where and why. One home for what a file and a query both report about their rows.
 */
export class LineTally<R> {
  dataRows = 0;
  blankRows = 0;
  skippedRows = 0;
  readonly problems: RowProblem[] = [];
  private unsaved = 0;
  private readonly unsavedShown: UnsavedFormula[] = [];

  constructor(
    private readonly aggregator: LineSink<R>,
    private readonly shown: number,
  ) {}

  take(parsed: ParsedLine, row: number, where: (field: Field) => { file: string; column: string }): void {
    this.dataRows++;
    if ('line' in parsed) {
      this.aggregator.add(parsed.line);
      return;
    }
    this.skippedRows++;
    if (this.problems.length < this.shown) this.problems.push({ ...where(parsed.field), row, reason: parsed.reason });
  }

  /** A formula cell with no saved value, read as typed: counted, the first few kept by where they are. */
  unsavedFormula(cell: UnsavedFormula): void {
    this.unsaved++;
    if (this.unsavedShown.length < this.shown) this.unsavedShown.push(cell);
  }

  /** Every slice's metrics, unless more rows than allowed could not be read. */
  finish(source: string, file: string, maxShare: number): R {
    failIfTooManyUnreadable(source, this.dataRows, this.skippedRows, this.problems, maxShare);
    const { dataRows, blankRows, skippedRows, problems } = this;
    const unsavedFormulas = this.unsaved > 0 ? { count: this.unsaved, cells: this.unsavedShown } : undefined;
    return this.aggregator.finish({
      file,
      dataRows,
      blankRows,
      skippedRows,
      problems,
      ...(unsavedFormulas && { unsavedFormulas }),
    });
  }
}

/** Over the allowed share of unreadable rows the run fails, with the first of them listed. */
export function failIfTooManyUnreadable(
  source: string,
  dataRows: number,
  skippedRows: number,
  problems: RowProblem[],
  maxShare: number,
): void {
  if (dataRows === 0 || skippedRows / dataRows <= maxShare) return;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const shown = problems.map((p) => `  ${p.file} row ${p.row}, column ${p.column}: ${p.reason}`).join('\n');
  const more = skippedRows > problems.length ? `\n  … and ${skippedRows - problems.length} more` : '';
  throw new SalesDataError(
    `${source}: ${skippedRows} of ${dataRows} rows (${pct(skippedRows / dataRows)}) cannot be read, ` +
      `over the allowed ${pct(maxShare)}:\n${shown}${more}`,
    problems,
  );
}
