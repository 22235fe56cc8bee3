import {
  addDays,
  daysInMonth,
  daysOf,
  monthToDate,
  reportWindow,
  yearAgoWeek,
  type DateRange,
  type IsoDate,
} from './dates';
import type { Breakdown, BreakdownRow, Kpi, Mover, ProductRow, RowProblem, SalesMetrics } from './metrics';
import { OrderNets, type OrderCounter } from './order-count';

/** One readable order line, money in integer cents. */
export interface OrderLine {
  orderId?: string;
  date: IsoDate;
  product: string;
  category: string;
  region: string;
  channel: string;
  units: number;
  revenueCents: number;
}

/** Order lines summed by day, product, category, region and channel. */
export interface LineGroup extends Omit<OrderLine, 'orderId'> {
  /** Sales lines only (positive amounts). */
  grossCents: number;
  refundCents: number;
  refundLines: number;
  lines: number;
}

interface WeekTotals {
  /** Net: sales less refunds. */
  revenueCents: number;
  /** Sales lines only (positive amounts): what the return rate is a share of. */
  grossCents: number;
  /** Refund lines (negative amounts), as a positive amount. */
  refundCents: number;
  refundLines: number;
  units: number;
  rows: number;
}

interface PairCents {
  current: number;
  previous: number;
}

const TOP_PRODUCTS = 10;
const MOVERS = 5;

/** Order-count buckets beside the report weeks (0, 1, …): the same week a year earlier (52 weeks back), the month to date. */
export const YEAR_AGO_BUCKET = 52;
export const MONTH_TO_DATE_BUCKET = -1;

/** A span's flows: the year-ago week, the month to date. */
interface SpanTotals {
  revenueCents: number;
  units: number;
  by: Record<Breakdown, Map<string, number>>;
}

/**
 * Folds order lines into the two report weeks as they stream past, so memory grows with the number of distinct
 * products and orders in the window, not with the size of the file.
 */
export class SalesAggregator {
  private readonly window;
  private readonly weeks: { current: WeekTotals; previous: WeekTotals };
  private readonly byDay = new Map<IsoDate, number>();
  private readonly byCategory = new Map<string, PairCents>();
  private readonly byRegion = new Map<string, PairCents>();
  private readonly byChannel = new Map<string, PairCents>();
  private readonly products = new Map<string, PairCents & { units: number; category: string }>();
  /** The span of the whole file's orders, in or out of the window: how fresh the export is. */
  private firstDate?: IsoDate;
  private lastDate?: IsoDate;

  constructor(
    private readonly reportDate: IsoDate,
    private readonly currency: string,
    /** How orders are counted: OrderNets for lines in any order, GroupedOrderNets for lines sorted by order. */
    private readonly orders: OrderCounter = new OrderNets(),
    /** Weeks of revenue and orders in the trend, the report's week included (at least the two compared). */
    private readonly trendWeeks = 2,
  ) {
    this.window = reportWindow(reportDate);
    this.weeks = { current: emptyWeek(), previous: emptyWeek() };
    this.yearAgo = { period: yearAgoWeek(this.window.current), totals: emptySpan() };
    this.monthToDate = { range: monthToDate(this.window.current.end), totals: emptySpan() };
  }

  private readonly yearAgo;
  private readonly monthToDate;

  add(line: OrderLine): void {
    const buckets = this.addGroup({
      date: line.date,
      product: line.product,
      category: line.category,
      region: line.region,
      channel: line.channel,
      units: line.units,
      revenueCents: line.revenueCents,
      grossCents: Math.max(0, line.revenueCents),
      refundCents: Math.max(0, -line.revenueCents),
      refundLines: line.revenueCents < 0 ? 1 : 0,
      lines: 1,
    });
    for (const bucket of buckets) this.orders.add(bucket, line.orderId, line.revenueCents);
  }

  /**
   * Lines already summed by day, product, category, region and channel (by the database, in aggregate mode). Their
   * orders are counted where the lines are: give them with setOrderCounts. Returns the order-count buckets the
   * lines fall in.
   */
  addGroup(group: LineGroup): number[] {
    if (this.firstDate === undefined || group.date < this.firstDate) this.firstDate = group.date;
    if (this.lastDate === undefined || group.date > this.lastDate) this.lastDate = group.date;
    this.refundLinesRead += group.refundLines;
    let index = this.weekIndexes.get(group.date);
    if (index === undefined) {
      // Few distinct dates, millions of lines: work each out once.
      index = weekIndex(this.window.current.end, group.date);
      this.weekIndexes.set(group.date, index);
    }
    const buckets: number[] = [];
    if (group.date >= this.monthToDate.range.start && group.date <= this.monthToDate.range.end) {
      addSpan(this.monthToDate.totals, group);
      buckets.push(MONTH_TO_DATE_BUCKET);
    }
    if (index === YEAR_AGO_BUCKET) {
      addSpan(this.yearAgo.totals, group);
      buckets.push(YEAR_AGO_BUCKET);
    }
    if (index < 0 || index >= Math.max(2, this.trendWeeks)) return buckets;
    if (index !== YEAR_AGO_BUCKET) buckets.push(index);
    this.trendCents.set(index, (this.trendCents.get(index) ?? 0) + group.revenueCents);
    const week = index === 0 ? 'current' : index === 1 ? 'previous' : undefined;
    if (!week) return buckets;
    const totals = this.weeks[week];
    totals.revenueCents += group.revenueCents;
    totals.grossCents += group.grossCents;
    totals.refundCents += group.refundCents;
    totals.refundLines += group.refundLines;
    totals.units += group.units;
    totals.rows += group.lines;

    // Last week's days are keyed by the day of this week they compare with.
    const key = week === 'current' ? group.date : this.previousDayKey(group.date);
    this.byDay.set(key, (this.byDay.get(key) ?? 0) + group.revenueCents);

    addPair(this.byCategory, group.category, week, group.revenueCents);
    addPair(this.byRegion, group.region, week, group.revenueCents);
    addPair(this.byChannel, group.channel, week, group.revenueCents);
    const product = this.products.get(group.product) ?? {
      current: 0,
      previous: 0,
      units: 0,
      category: group.category,
    };
    product[week] += group.revenueCents;
    if (week === 'current') product.units += group.units;
    this.products.set(group.product, product);
    return buckets;
  }

  /** Orders with positive net sales per bucket, counted elsewhere (the database, in aggregate mode). */
  setOrderCounts(counts: Map<number, number>): void {
    this.orderCounts = counts;
  }

  private orderCounts?: Map<number, number>;
  /** Refund lines anywhere in what was read: none means the export does not carry refunds, not that none happened. */
  private refundLinesRead = 0;
  /** Net revenue per week index: the trend. */
  private readonly trendCents = new Map<number, number>();
  private readonly weekIndexes = new Map<IsoDate, number>();

  /**
   * The metrics. `source`: how far the whole source reaches, when these lines are a slice of it (sales/slices.ts):
   * its freshness and its year-ago coverage are the source's, not the slice's.
   */
  finish(
    quality: {
      file: string;
      dataRows: number;
      blankRows: number;
      skippedRows: number;
      problems: RowProblem[];
    },
    source?: DateRange,
  ): SalesMetrics {
    const firstDate = source ? source.start : this.firstDate;
    const lastDate = source ? source.end : this.lastDate;
    const { current, previous } = this.weeks;
    const weeks = Math.max(2, this.trendWeeks);
    const counted = this.orderCounts ?? this.orders.counts();
    const ordersIn = (bucket: number) => counted.get(bucket) ?? 0;
    const orders = (w: WeekTotals) => ordersIn(w === current ? 0 : 1);
    const aovOf = (cents: number, n: number) => (n === 0 ? 0 : cents / n);
    const aov = (w: WeekTotals) => aovOf(w.revenueCents, orders(w));
    // The same week a year earlier counts only where the source reaches back to its first day: a week half in the
    // data would compare a part with a whole.
    const yoy = firstDate !== undefined && firstDate <= this.yearAgo.period.start && this.yearAgo.totals;
    const yoyOrders = ordersIn(YEAR_AGO_BUCKET);
    const withYoy = (k: Kpi, lastYear: number): Kpi =>
      yoy ? { ...k, lastYear, yoyChangeRatio: ratio(k.current, lastYear) } : k;
    const mtd = this.monthToDate.totals;
    const returnRate = (w: WeekTotals) => (w.grossCents === 0 ? 0 : round4(w.refundCents / w.grossCents));
    const totalCents = current.revenueCents;

    const products: ProductRow[] = [...this.products.entries()].map(([name, p]) => ({
      product: name,
      category: p.category,
      revenue: money(p.current),
      units: p.units,
      previousRevenue: money(p.previous),
      changeRatio: ratio(p.current, p.previous),
    }));
    const movers: Mover[] = [...this.products.entries()].map(([name, p]) => ({
      product: name,
      revenue: money(p.current),
      previousRevenue: money(p.previous),
      delta: money(p.current - p.previous),
    }));

    return {
      reportDate: this.reportDate,
      currency: this.currency,
      period: this.window.current,
      previousPeriod: this.window.previous,
      kpis: {
        revenue: withYoy(
          kpi(current.revenueCents / 100, previous.revenueCents / 100),
          yoy ? money(yoy.revenueCents) : 0,
        ),
        orders: withYoy(kpi(orders(current), orders(previous)), yoyOrders),
        units: withYoy(kpi(current.units, previous.units), yoy ? yoy.units : 0),
        averageOrderValue: withYoy(
          kpi(money(aov(current)), money(aov(previous))),
          yoy ? money(aovOf(yoy.revenueCents, yoyOrders)) : 0,
        ),
        // Reported only where the data has refunds at all: ¥0 would read as "no returns".
        ...(this.refundLinesRead > 0 && {
          refunds: kpi(money(current.refundCents), money(previous.refundCents)),
          refundLines: kpi(current.refundLines, previous.refundLines),
          returnRate: kpi(returnRate(current), returnRate(previous)),
        }),
      },
      revenueByDay: daysOf(this.window.current).map((date) => ({
        date,
        revenue: money(this.byDay.get(date) ?? 0),
        previousRevenue: money(this.byDay.get(`prev:${date}`) ?? 0),
      })),
      trend: Array.from({ length: weeks }, (_, i) => {
        const index = weeks - 1 - i;
        const end = addDays(this.window.current.end, -7 * index);
        // Before the export's first order the source says nothing: "no data", never ¥0.
        const noData = firstDate === undefined || end < firstDate;
        return {
          start: addDays(end, -6),
          end,
          revenue: noData ? null : money(this.trendCents.get(index) ?? 0),
          orders: noData ? null : ordersIn(index),
        };
      }),
      yearAgo: { period: this.yearAgo.period, available: yoy !== false },
      monthToDate: {
        range: this.monthToDate.range,
        daysInMonth: daysInMonth(this.monthToDate.range.end),
        revenue: money(mtd.revenueCents),
        orders: ordersIn(MONTH_TO_DATE_BUCKET),
        units: mtd.units,
        revenueBy: {
          region: moneyByName(mtd.by.region),
          channel: moneyByName(mtd.by.channel),
          category: moneyByName(mtd.by.category),
        },
      },
      byCategory: breakdown(this.byCategory, totalCents, yoy && yoy.by.category),
      byRegion: breakdown(this.byRegion, totalCents, yoy && yoy.by.region),
      byChannel: breakdown(this.byChannel, totalCents, yoy && yoy.by.channel),
      topProducts: products
        .filter((p) => p.revenue > 0)
        .sort((a, b) => b.revenue - a.revenue || a.product.localeCompare(b.product, 'en'))
        .slice(0, TOP_PRODUCTS),
      risers: movers
        .filter((m) => m.delta > 0)
        .sort((a, b) => b.delta - a.delta || a.product.localeCompare(b.product, 'en'))
        .slice(0, MOVERS),
      fallers: movers
        .filter((m) => m.delta < 0)
        .sort((a, b) => a.delta - b.delta || a.product.localeCompare(b.product, 'en'))
        .slice(0, MOVERS),
      dataQuality: {
        ...quality,
        rowsInWindow: current.rows + previous.rows,
        ...(firstDate && lastDate && { orderDates: { start: firstDate, end: lastDate } }),
      },
    };
  }

  private readonly previousKeys = new Map<IsoDate, string>();

  private previousDayKey(date: IsoDate): string {
    let key = this.previousKeys.get(date);
    if (key === undefined) {
      key = `prev:${addDays(date, 7)}`;
      this.previousKeys.set(date, key);
    }
    return key;
  }
}

/** 0 for the report's week (ending `end`), 1 for the week before, …; negative after it. */
function weekIndex(end: IsoDate, date: IsoDate): number {
  return Math.floor((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / (7 * 86_400_000));
}

function emptySpan(): SpanTotals {
  return { revenueCents: 0, units: 0, by: { region: new Map(), channel: new Map(), category: new Map() } };
}

function addSpan(span: SpanTotals, group: LineGroup): void {
  span.revenueCents += group.revenueCents;
  span.units += group.units;
  for (const [dimension, name] of [
    ['region', group.region],
    ['channel', group.channel],
    ['category', group.category],
  ] as const)
    span.by[dimension].set(name, (span.by[dimension].get(name) ?? 0) + group.revenueCents);
}

function moneyByName(cents: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...cents].map(([name, c]) => [name, money(c)]));
}

function emptyWeek(): WeekTotals {
  return { revenueCents: 0, grossCents: 0, refundCents: 0, refundLines: 0, units: 0, rows: 0 };
}

function addPair(map: Map<string, PairCents>, key: string, week: keyof PairCents, cents: number): void {
  const pair = map.get(key) ?? { current: 0, previous: 0 };
  pair[week] += cents;
  map.set(key, pair);
}

function money(cents: number): number {
  return Math.round(cents) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function ratio(current: number, previous: number): number | null {
  return previous === 0 ? null : round4((current - previous) / previous);
}

function kpi(current: number, previous: number): Kpi {
  return { current, previous, changeRatio: ratio(current, previous) };
}

/** A breakdown's rows, largest first; with the year-ago week's revenue by name where the source holds it. */
function breakdown(
  map: Map<string, PairCents>,
  totalCents: number,
  yearAgo: Map<string, number> | false,
): BreakdownRow[] {
  return [...map.entries()]
    .map(([name, p]) => ({
      name,
      revenue: money(p.current),
      previousRevenue: money(p.previous),
      changeRatio: ratio(p.current, p.previous),
      share: totalCents === 0 ? 0 : round4(p.current / totalCents),
      ...(yearAgo && {
        lastYearRevenue: money(yearAgo.get(name) ?? 0),
        yoyChangeRatio: ratio(p.current, yearAgo.get(name) ?? 0),
      }),
    }))
    .sort((a, b) => b.revenue - a.revenue || a.name.localeCompare(b.name, 'en'));
}
