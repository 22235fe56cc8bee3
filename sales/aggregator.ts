import { addDays, daysInMonth, daysOf, type DateRange, type IsoDate, type ReportWindows } from './dates';
import type { Breakdown, BreakdownRow, Kpi, Mover, ProductRow, RowTally, SalesMetrics } from './metrics';
import { OrderNets, type OrderCounter } from './order-count';

/** One readable order line, money in integer cents. */
export interface OrderLine {
  orderId?: string;
  date: IsoDate;
  product: string;
  category: string;
  region: string;
  channel: string;
  /** Read only when a report is scoped to or split by it (sales/slices.ts). */
  store?: string;
  manager?: string;
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

/**
 * Where orders are counted (OrderCounter buckets): the current period, the one it is compared with, the month to
 * date, the same period a year earlier, and each span of the trend (TREND_BUCKET + its index, oldest first).
 */
export const CURRENT_BUCKET = 0;
export const PREVIOUS_BUCKET = 1;
export const MONTH_TO_DATE_BUCKET = -1;
export const YEAR_AGO_BUCKET = -2;
export const TREND_BUCKET = 100;

/** How one day counts in a report: the buckets its orders are counted in, and where its revenue goes. */
interface DayPlace {
  buckets: number[];
  period?: 'current' | 'previous';
  trend?: number;
  yearAgo: boolean;
  monthToDate: boolean;
  /** revenueByDay's key: the day itself, or for a compared day the current day at the same place ("prev:<day>"). */
  dayKey?: string;
}

/** Every day a report reads (the read window and the year-ago period) with the order-count buckets it falls in. */
export function orderBuckets(w: ReportWindows): [IsoDate, number[]][] {
  const days = new Set<IsoDate>();
  for (const range of [...w.trend, w.previous, w.current, w.monthToDate, w.yearAgo])
    for (const d of daysOf(range)) days.add(d);
  return [...days]
    .sort()
    .map((d) => [d, placeOf(w, d).buckets] as [IsoDate, number[]])
    .filter(([, b]) => b.length > 0);
}

function within(range: DateRange, date: IsoDate): boolean {
  return date >= range.start && date <= range.end;
}

function placeOf(w: ReportWindows, date: IsoDate): DayPlace {
  const buckets: number[] = [];
  const period = within(w.current, date) ? 'current' : within(w.previous, date) ? 'previous' : undefined;
  if (period) buckets.push(period === 'current' ? CURRENT_BUCKET : PREVIOUS_BUCKET);
  const trend = w.trend.findIndex((span) => within(span, date));
  if (trend >= 0) buckets.push(TREND_BUCKET + trend);
  const yearAgo = within(w.yearAgo, date);
  if (yearAgo) buckets.push(YEAR_AGO_BUCKET);
  const monthToDate = within(w.monthToDate, date);
  if (monthToDate) buckets.push(MONTH_TO_DATE_BUCKET);
  // Compared days line up with the current period's by place: Monday with Monday, the 3rd with the 3rd.
  const offset = (from: IsoDate) => Math.round((Date.parse(date) - Date.parse(from)) / 86_400_000);
  const pair = period === 'previous' ? addDays(w.current.start, offset(w.previous.start)) : undefined;
  const dayKey = period === 'current' ? date : pair !== undefined && pair <= w.current.end ? `prev:${pair}` : undefined;
  return {
    buckets,
    ...(period && { period }),
    ...(trend >= 0 && { trend }),
    yearAgo,
    monthToDate,
    ...(dayKey && { dayKey }),
  };
}

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
    /** The report's windows (sales/dates.ts reportWindows): its period, what it compares with, its trend. */
    private readonly window: ReportWindows,
    private readonly currency: string,
    /** How orders are counted: OrderNets for lines in any order, GroupedOrderNets for lines sorted by order. */
    private readonly orders: OrderCounter = new OrderNets(),
  ) {
    this.weeks = { current: emptyWeek(), previous: emptyWeek() };
    this.yearAgo = { period: window.yearAgo, totals: emptySpan() };
    this.monthToDate = { range: window.monthToDate, totals: emptySpan() };
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
    let place = this.places.get(group.date);
    if (place === undefined) {
      // Few distinct dates, millions of lines: work each out once.
      place = placeOf(this.window, group.date);
      this.places.set(group.date, place);
    }
    if (place.monthToDate) addSpan(this.monthToDate.totals, group);
    if (place.yearAgo) addSpan(this.yearAgo.totals, group);
    if (place.trend !== undefined)
      this.trendCents.set(place.trend, (this.trendCents.get(place.trend) ?? 0) + group.revenueCents);
    const week = place.period;
    if (!week) return place.buckets;
    const totals = this.weeks[week];
    totals.revenueCents += group.revenueCents;
    totals.grossCents += group.grossCents;
    totals.refundCents += group.refundCents;
    totals.refundLines += group.refundLines;
    totals.units += group.units;
    totals.rows += group.lines;

    if (place.dayKey !== undefined)
      this.byDay.set(place.dayKey, (this.byDay.get(place.dayKey) ?? 0) + group.revenueCents);

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
    return place.buckets;
  }

  /** Orders with positive net sales per bucket, counted elsewhere (the database, in aggregate mode). */
  setOrderCounts(counts: Map<number, number>): void {
    this.orderCounts = counts;
  }

  private orderCounts?: Map<number, number>;
  /** Refund lines anywhere in what was read: none means the export does not carry refunds, not that none happened. */
  private refundLinesRead = 0;
  /** Net revenue per trend span (its index, oldest first). */
  private readonly trendCents = new Map<number, number>();
  private readonly places = new Map<IsoDate, DayPlace>();

  /**
   * The metrics. `source`: how far the whole source reaches, when these lines are a slice of it (sales/slices.ts):
   * its freshness and its year-ago coverage are the source's, not the slice's.
   */
  finish(quality: RowTally, source?: DateRange): SalesMetrics {
    const firstDate = source ? source.start : this.firstDate;
    const lastDate = source ? source.end : this.lastDate;
    const { current, previous } = this.weeks;
    const counted = this.orderCounts ?? this.orders.counts();
    const ordersIn = (bucket: number) => counted.get(bucket) ?? 0;
    const orders = (w: WeekTotals) => ordersIn(w === current ? CURRENT_BUCKET : PREVIOUS_BUCKET);
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
      reportDate: addDays(this.window.current.end, 1),
      ...(this.window.kind !== 'week' && { periodKind: this.window.kind }),
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
      trend: this.window.trend.map(({ start, end }, i) => {
        // Before the export's first order the source says nothing: "no data", never ¥0.
        const noData = firstDate === undefined || end < firstDate;
        return {
          start,
          end,
          revenue: noData ? null : money(this.trendCents.get(i) ?? 0),
          orders: noData ? null : ordersIn(TREND_BUCKET + i),
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
