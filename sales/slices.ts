import { SalesAggregator, type LineGroup, type OrderLine } from './aggregator';
import type { OrderCounter } from './order-count';
import { reportWindows, type DateRange, type IsoDate, type PeriodKind } from './dates';
import { SalesDataError } from './errors';
import { withStandings } from './standing';
import { BREAKDOWNS, type Breakdown, type RowTally, type SalesMetrics } from './metrics';

/**
 * The fields a report can be scoped to or split by: the breakdowns every line carries, and the store and its manager,
 * which an export carries in optional columns (read only when a report slices by them).
 */
export const SLICE_FIELDS = [...BREAKDOWNS, 'store', 'manager'] as const;
export type SliceField = (typeof SLICE_FIELDS)[number];
/** The slice fields a line need not carry: their columns are looked for only when a report slices by them. */
export type OptionalSliceField = Exclude<SliceField, Breakdown>;

/**
 * Which part of the source a report is about: a fixed scope (only these regions, these stores…) and optionally a
 * split, one report per value of a field.
 */
export interface Slicing {
  scope?: Partial<Record<SliceField, string[]>>;
  split?: SliceField;
}

/** The optional fields (store, manager) some view slices by: the columns a read must find. */
export function optionalFieldsOf(slicings: readonly Slicing[]): OptionalSliceField[] {
  const used = new Set<SliceField>(
    slicings.flatMap((s) => [...Object.keys(s.scope ?? {}), ...(s.split ? [s.split] : [])]) as SliceField[],
  );
  return SLICE_FIELDS.filter(
    (f): f is OptionalSliceField => used.has(f) && !(BREAKDOWNS as readonly string[]).includes(f),
  );
}

/** The metrics of every slice one read computed: by the split field's value, or WHOLE when the report is not split. */
export type MetricsBySlice = Record<string, SalesMetrics>;

/** One report's view of a read: its period and its slicing, by the id its metrics come back under. */
export interface ReadView {
  id: string;
  period: PeriodKind;
  slicing: Slicing;
  /** The currency its figures are in (ISO 4217); absent: the read's. */
  currency?: string;
}

/** Every view's slices, by view id. */
export type MetricsByView = Record<string, MetricsBySlice>;

/** The slice key of a report that is not split: the whole of its scope. */
export const WHOLE = '';

type Sliceable = Pick<OrderLine, Breakdown | OptionalSliceField>;

/**
 * Folds each line into the slice it belongs to, in the one pass over the source: a morning's regional reports cost
 * one read, not one per region. Lines outside the scope are read (their dates still say how far the source reaches)
 * and counted in no slice.
 */
export class SlicedAggregator {
  private readonly slices = new Map<string, SalesAggregator>();
  private firstDate?: IsoDate;
  private lastDate?: IsoDate;

  constructor(
    private readonly newSlice: () => SalesAggregator,
    private readonly slicing: Slicing = {},
  ) {
    // A report that is not split has its one slice even when nothing in the source is in scope.
    if (!slicing.split) this.slices.set(WHOLE, newSlice());
  }

  add(line: OrderLine): void {
    this.seen(line.date);
    this.sliceOf(line)?.add(line);
  }

  /** Lines summed by the database (aggregate mode); their orders come with setOrderCounts. */
  addGroup(group: LineGroup): void {
    this.seen(group.date);
    this.sliceOf(group)?.addGroup(group);
  }

  /** The slice a line with these fields is counted in (WHOLE without a split), or none outside the scope. */
  keyOf(line: Sliceable): string | undefined {
    const { scope, split } = this.slicing;
    if (scope && !inScope(line, scope)) return undefined;
    return split ? line[split] : WHOLE;
  }

  /** Orders with positive net sales per slice and bucket, counted elsewhere (the database, in aggregate mode). */
  setOrderCounts(bySlice: Map<string, Map<number, number>>): void {
    for (const [key, slice] of this.slices) slice.setOrderCounts(bySlice.get(key) ?? new Map<number, number>());
  }

  /** Every slice's metrics; each says how far the whole source reaches (its freshness, year-ago coverage). */
  finish(quality: RowTally): MetricsBySlice {
    const source: DateRange | undefined =
      this.firstDate && this.lastDate ? { start: this.firstDate, end: this.lastDate } : undefined;
    const bySlice = Object.fromEntries([...this.slices].map(([key, slice]) => [key, slice.finish(quality, source)]));
    return this.slicing.split ? withStandings(bySlice, this.slicing.split) : bySlice;
  }

  private seen(date: IsoDate): void {
    if (this.firstDate === undefined || date < this.firstDate) this.firstDate = date;
    if (this.lastDate === undefined || date > this.lastDate) this.lastDate = date;
  }

  private sliceOf(line: Sliceable): SalesAggregator | undefined {
    const key = this.keyOf(line);
    if (key === undefined) return undefined;
    let slice = this.slices.get(key);
    if (!slice) {
      slice = this.newSlice();
      this.slices.set(key, slice);
    }
    return slice;
  }
}

/** What a slice is about, as a target row names it: the split's value and every one-value scope. */
export function sliceIdentity(slicing: Slicing, key: string): { dimension: SliceField; name: string }[] {
  const identity = Object.entries(slicing.scope ?? {})
    .filter(([, values]) => values.length === 1)
    .map(([dimension, values]) => ({ dimension: dimension as SliceField, name: values[0]! }));
  if (slicing.split) identity.push({ dimension: slicing.split, name: key });
  return identity;
}

function inScope(line: Sliceable, scope: NonNullable<Slicing['scope']>): boolean {
  for (const [field, values] of Object.entries(scope) as [SliceField, string[]][])
    if (!values.includes(line[field] ?? '')) return false;
  return true;
}

/**
 * One report's slice of a read. A slice without orders in the report's period fails that report alone, with what was
 * looked for: the other reports of the read go out.
 */
export function sliceOf(
  slices: MetricsBySlice,
  key: string,
  split: SliceField | undefined,
  failIfWindowEmpty: boolean,
): SalesMetrics {
  const slice = slices[key];
  const empty = slice !== undefined && failIfWindowEmpty && slice.kpis.orders.current === 0;
  if (slice && !empty) return slice;
  if (slice && !split) {
    const { period } = slice;
    const dates = slice.dataQuality.orderDates;
    const span = dates ? `its orders run ${dates.start} – ${dates.end}` : 'it holds no readable orders';
    throw new SalesDataError(
      `${slice.dataQuality.file} has no orders in the report ${PERIOD_NOUN[slice.periodKind ?? 'week']} ${period.start === period.end ? period.start : `${period.start} – ${period.end}`} (${span}). ` +
        `Set data.failIfWindowEmpty to false if empty ${PERIOD_NOUN[slice.periodKind ?? 'week']}s are normal.`,
    );
  }
  const seen = Object.keys(slices).sort();
  const values = `${split ?? 'slice'} values in the data read: ${seen.length > 0 ? seen.join(', ') : 'none'}`;
  throw new SalesDataError(
    slice
      ? `no orders for ${split} "${key}" in the report ${PERIOD_NOUN[slice.periodKind ?? 'week']} ${slice.period.start} – ${slice.period.end} (${values}). ` +
          'Set data.failIfWindowEmpty to false if empty periods are normal.'
      : `no lines for ${split ?? 'the report'} "${key}" in the data read (${values}). Is it spelled as in the data?`,
  );
}

const PERIOD_NOUN: Record<PeriodKind, string> = { day: 'day', week: 'week', month: 'month' };

/**
 * Folds each line into every report's view at once: a morning's daily flash, weekly report and regional reports are
 * one parse of the source, each line counted in each view's windows and slices.
 */
export class ViewsAggregator {
  private readonly views: [string, SlicedAggregator][];

  constructor(
    views: readonly ReadView[],
    reportDate: IsoDate,
    currency: string,
    trendWeeks: number | undefined,
    /** How orders are counted, per slice: for lines grouped by order (a sorted query), its own counter each. */
    newCounter?: () => OrderCounter,
  ) {
    this.views = views.map((v) => {
      const windows = reportWindows(reportDate, v.period, trendWeeks);
      const inCurrency = v.currency ?? currency;
      return [v.id, new SlicedAggregator(() => new SalesAggregator(windows, inCurrency, newCounter?.()), v.slicing)];
    });
  }

  add(line: OrderLine): void {
    for (const [, view] of this.views) view.add(line);
  }

  finish(quality: Parameters<SlicedAggregator['finish']>[0]): MetricsByView {
    return Object.fromEntries(this.views.map(([id, view]) => [id, view.finish(quality)]));
  }
}
