import type { RowProblem } from './metrics';

/**
 * The input cannot make a trustworthy report: a missing, empty, damaged or wrong kind of file, a missing column, too
 * many unreadable rows. The message names the file (and row, column and reason where there is one). It is not
 * retried: the same file gives the same answer.
 */
export class SalesDataError extends Error {
  constructor(
    message: string,
    readonly problems: RowProblem[] = [],
  ) {
    super(message);
    this.name = 'SalesDataError';
  }
}
