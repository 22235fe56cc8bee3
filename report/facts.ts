import {
  breakdownsOf,
  kpisOf,
  periodKindOf,
  previousShareOf,
  type AnyKpiKey,
  type Attainment,
  type SalesMetrics,
  type TargetKpiKey,
} from '../sales/metrics';
import type { IsoDate } from '../sales/dates';
import type { Dimension } from './claims';
import { figureBook, type Figure } from './figures';
import type { Locale } from './locale';
import { formatKpi, formatMoney, formatNumber, formatPoints, formatRatio, formatShare } from './render/format';
import { labelsFor } from './render/labels';
import { lastYearText, noYearAgoNote, targetBasisLine, targetLine } from './render/comparisons';

/**
 * The fact book: everything the report may claim, computed in code. Each fact has an id the model cites ("[rank.region]")
 * and one line in the report's language, written as the email prints its figures; behind the lines are the figures
 * (figures.ts) and the qualitative facts a reader is told: every set's order by revenue and by change, who rose, fell
 * or held, the best and worst day of the period, where the period stands in the trend. The claim check
 * (fact-check.ts) binds every claim of the model's words to these, and refuses what binds to none.
 */
export interface Fact {
  id: string;
  line: string;
}

/** One member of a ranked set: its place by revenue (1 = most) and by change (1 = grew most; absent: nothing to compare). */
export interface Standing {
  name: string;
  revenue: number;
  /** Change on the period compared with, in %; null when it had nothing then. */
  change: number | null;
  byRevenue: number;
  byChange?: number;
}

export interface FactBook {
  facts: Fact[];
  ids: ReadonlySet<string>;
  figures: Figure[];
  /** A change within ± this many percent is "flat" (report.flatChangePercent). */
  flatPercent: number;
  /** Each ranked set, in order of revenue. */
  sets: Map<Dimension, Standing[]>;
  /** The set each name belongs to (a name in two sets: the first, in BREAKDOWNS order then products). */
  dimensionOf: Map<string, Dimension>;
  /** The period's days with their revenue, in date order (one day: a daily flash has no best day). */
  days: { date: IsoDate; revenue: number }[];
  /** The trend's spans with data, oldest first, and which one is the report's period. */
  trend: { start: IsoDate; revenue: number; orders: number; current: boolean }[];
  /** The products whose revenue rose most, and fell most, in money: most first (the email's risers and fallers). */
  risers: string[];
  fallers: string[];
}

export interface FactBookOptions {
  /** report.flatChangePercent: within ± this, a change is "flat". */
  flatPercent?: number;
}

export const DEFAULT_FLAT_PERCENT = 1;

/** The top products and the movers the model is shown (and may rank): what the email's tables print first. */
const SHOWN_PRODUCTS = 5;
const SHOWN_MOVERS = 3;

const WORDS = {
  'zh-CN': {
    dimension: { region: '区域', channel: '渠道', category: '品类', product: '商品' } as Record<Dimension, string>,
    byRevenue: (d: string) => `${d}按销售额`,
    byChange: (d: string) => `${d}按环比`,
    flat: '持平',
    moves: (rose: string, fell: string, flat: string) => `增长 ${rose}；下降 ${fell}${flat}`,
    noData: '无数据',
    count: (names: string[]) => (names.length === 1 ? `1 个（${names[0]}）` : `${names.length} 个`),
    days: (all: string, best: string, worst: string) => `每日销售额：${all}；最高 ${best}，最低 ${worst}`,
    movers: (up: string, down: string) => `商品销售额增加最多：${up || '无'}；减少最多：${down || '无'}`,
    trend: (n: number, all: string, best: string, worst: string, rank: number) =>
      `近${n}期销售额（起始日）：${all}；最高 ${best}，最低 ${worst}；本期第${rank}高`,
    kpiMoves: (pct: string) => `环比持平指变化在 ±${pct} 以内`,
    sep: '，',
  },
  'en-US': {
    dimension: { region: 'Regions', channel: 'Channels', category: 'Categories', product: 'Products' } as Record<
      Dimension,
      string
    >,
    byRevenue: (d: string) => `${d} by revenue`,
    byChange: (d: string) => `${d} by change`,
    flat: 'flat',
    moves: (rose: string, fell: string, flat: string) => `rose ${rose}; fell ${fell}${flat}`,
    noData: 'no data',
    count: (names: string[]) => (names.length === 1 ? `1 (${names[0]})` : `${names.length}`),
    days: (all: string, best: string, worst: string) => `Daily revenue: ${all}; highest ${best}, lowest ${worst}`,
    movers: (up: string, down: string) =>
      `Products whose revenue rose most: ${up || 'none'}; fell most: ${down || 'none'}`,
    trend: (n: number, all: string, best: string, worst: string, rank: number) =>
      `Revenue of the last ${n} spans, by first day: ${all}; highest ${best}, lowest ${worst}; this period ranks ${rank} from the top`,
    kpiMoves: (pct: string) => `"flat" means a change within ±${pct}`,
    sep: ', ',
  },
} as const;

/** How a fact's id names a member of a set: "region.华东", "product.智能手表 S3". */
export function memberId(dimension: Dimension, name: string): string {
  return `${dimension}.${name}`;
}

export function factBook(m: SalesMetrics, locale: Locale, options: FactBookOptions = {}): FactBook {
  const flatPercent = options.flatPercent ?? DEFAULT_FLAT_PERCENT;
  const l = labelsFor(locale, periodKindOf(m));
  const w = WORDS[locale];
  // Money in whole units, as the email's body prints it: fewer tokens, and the figure the reader sees.
  const money = (x: number) => formatMoney(x, m.currency, locale, 0);
  const value = (key: AnyKpiKey, x: number) => formatKpi(key, x, m.currency, locale, 0);
  const share = (x: number) => formatShare(x, locale);
  const pct = formatShare(flatPercent / 100, locale);
  const facts: Fact[] = [];
  const add = (id: string, line: string) => facts.push({ id, line });

  for (const [key, k] of kpisOf(m))
    add(
      key,
      `${l.kpi[key]}: ${l.thisWeek} ${value(key, k.current)}, ${l.lastWeek} ${value(key, k.previous)}, ${l.change} ${formatRatio(k.changeRatio, locale)}` +
        lastYearText(k.lastYear, k.yoyChangeRatio, (x) => value(key, x), l),
    );
  add('flat', w.kpiMoves(pct));
  noYearAgoNote(m, l).forEach((note, i) => add(`yearAgo${i === 0 ? '' : i + 1}`, note));
  const t = m.targets;
  if (t) {
    add('target', targetBasisLine(t, l));
    for (const [key, a] of Object.entries(t.kpis) as [TargetKpiKey, Attainment][])
      add(`target.${key}`, `${l.kpi[key]}: ${targetLine(a, t.basis, (x) => value(key, x), l)}`);
    for (const b of t.breakdowns) add(`target.${b.name}`, `${b.name}: ${targetLine(b, t.basis, money, l)}`);
  }

  const trend = (m.trend ?? []).flatMap((s) =>
    s.revenue === null || s.orders === null
      ? []
      : [{ start: s.start, revenue: s.revenue, orders: s.orders, current: s.start === m.period.start }],
  );
  // The trend in one line, each span by its first day: a span with no data says so (never ¥0).
  if (trend.length > 1) {
    const all = (m.trend ?? [])
      .map((s) =>
        s.revenue === null || s.orders === null
          ? `${s.start.slice(5)} ${w.noData}`
          : `${s.start.slice(5)} ${money(s.revenue)}`,
      )
      .join(w.sep);
    const sorted = [...trend].sort((a, b) => b.revenue - a.revenue);
    const current = sorted.findIndex((s) => s.current) + 1;
    if (current > 0)
      add('trend', w.trend(trend.length, all, sorted[0]!.start.slice(5), sorted.at(-1)!.start.slice(5), current));
  }

  const days = m.revenueByDay.map((d) => ({ date: d.date, revenue: d.revenue }));
  if (days.length > 1) {
    const sorted = [...days].sort((a, b) => b.revenue - a.revenue);
    const all = days.map((d) => `${d.date.slice(5)} ${money(d.revenue)}`).join(w.sep);
    add('days', w.days(all, sorted[0]!.date.slice(5), sorted.at(-1)!.date.slice(5)));
  }

  const sets = new Map<Dimension, Standing[]>();
  const rows: [Dimension, { name: string; revenue: number; changeRatio: number | null }[]][] = [
    ...breakdownsOf(m).map(({ dimension, rows: r }) => [dimension, r] as [Dimension, typeof r]),
    [
      'product',
      m.topProducts
        .slice(0, SHOWN_PRODUCTS)
        .map((p) => ({ name: p.product, revenue: p.revenue, changeRatio: p.changeRatio })),
    ],
  ];
  for (const [dimension, members] of rows) {
    if (members.length === 0) continue;
    const standings: Standing[] = [...members]
      .sort((a, b) => b.revenue - a.revenue)
      .map((r, i) => ({
        name: r.name,
        revenue: r.revenue,
        change: r.changeRatio === null ? null : r.changeRatio * 100,
        byRevenue: i + 1,
      }));
    standings
      .filter((s) => s.change !== null)
      .sort((a, b) => b.change! - a.change!)
      .forEach((s, i) => (s.byChange = i + 1));
    sets.set(dimension, standings);
  }
  const dimensionOf = new Map<string, Dimension>();
  for (const [dimension, standings] of sets)
    for (const s of standings) if (!dimensionOf.has(s.name)) dimensionOf.set(s.name, dimension);
  const risers = m.risers.slice(0, SHOWN_MOVERS).map((p) => p.product);
  const fallers = m.fallers.slice(0, SHOWN_MOVERS).map((p) => p.product);
  for (const name of [...risers, ...fallers]) if (!dimensionOf.has(name)) dimensionOf.set(name, 'product');

  // A member's line: revenue, share and its change in points, change, and 同比 (last year's amount is the KPI's).
  for (const { dimension, rows: members } of breakdownsOf(m)) {
    for (const r of members) {
      const previousShare = previousShareOf(r, members);
      const yoy = r.yoyChangeRatio === undefined ? '' : `; ${l.yoy} ${formatRatio(r.yoyChangeRatio, locale)}`;
      add(
        memberId(dimension, r.name),
        `${r.name}: ${money(r.revenue)} (${l.share} ${share(r.share)}, ` +
          `${formatPoints((r.share - previousShare) * 100, locale)}; ${l.change} ${formatRatio(r.changeRatio, locale)}${yoy})`,
      );
    }
  }
  for (const p of m.topProducts.slice(0, SHOWN_PRODUCTS))
    add(
      memberId('product', p.product),
      `${p.product}: ${money(p.revenue)}, ${formatNumber(p.units, locale)} (${l.change} ${formatRatio(p.changeRatio, locale)})`,
    );
  if (risers.length + fallers.length > 0) {
    const moved = (list: typeof m.risers) =>
      list.map((p, i) => `${i + 1} ${p.product} ${p.delta > 0 ? '+' : '-'}${money(Math.abs(p.delta))}`).join(w.sep);
    add('movers', w.movers(moved(m.risers.slice(0, SHOWN_MOVERS)), moved(m.fallers.slice(0, SHOWN_MOVERS))));
  }
  for (const [dimension, standings] of sets) {
    const name = w.dimension[dimension];
    add(`rank.${dimension}`, `${w.byRevenue(name)}: ${standings.map((s) => s.name).join(' > ')}`);
    const changed = standings.filter((s) => s.byChange !== undefined).sort((a, b) => a.byChange! - b.byChange!);
    if (changed.length === 0) continue;
    const rose = changed.filter((s) => s.change! > 0).map((s) => s.name);
    const fell = changed.filter((s) => s.change! < 0).map((s) => s.name);
    const flat = changed.filter((s) => Math.abs(s.change!) < flatPercent).map((s) => s.name);
    // The order by change names only (each member's change is on its own line), and how many rose, fell or held:
    // the order says which; the one alone is named, for "the only one".
    add(
      `growth.${dimension}`,
      `${w.byChange(name)}: ${changed.map((s) => s.name).join(' > ')}; ` +
        // "Flat" only where a member held: its count is 0 otherwise, and the line says so by not saying it.
        w.moves(w.count(rose), w.count(fell), flat.length === 0 ? '' : `${w.sep}${w.flat} ${w.count(flat)}`),
    );
  }

  return {
    facts,
    ids: new Set(facts.map((f) => f.id)),
    figures: figureBook(m),
    flatPercent,
    sets,
    dimensionOf,
    days,
    trend,
    risers,
    fallers,
  };
}

/** The fact book as the model is shown it: one line a fact, its id in brackets. */
export function factLines(book: FactBook): string {
  return book.facts.map((f) => `[${f.id}] ${f.line}`).join('\n');
}
