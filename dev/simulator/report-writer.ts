/**
 * Writes a JSON document valid for a JSON Schema, filling text fields with sentences built from the sales metrics
 * found in the prompt. Generic over the schema (it walks it), specific only in the words it picks.
 */

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

interface Kpi {
  current: number;
  previous: number;
  changeRatio: number | null;
  lastYear?: number;
  yoyChangeRatio?: number | null;
}
interface MetricsLike {
  currency?: string;
  /** What the facts put before an amount: "¥", "CN¥". */
  currencySign?: string;
  periodKind?: 'day' | 'month';
  period?: { start: string; end: string };
  kpis?: Record<string, Kpi>;
  byCategory?: { name: string; revenue: number; changeRatio: number | null }[];
  byRegion?: { name: string; revenue: number; changeRatio: number | null }[];
  risers?: { product: string; delta: number }[];
  fallers?: { product: string; delta: number }[];
  targets?: { basis: 'week' | 'month'; kpis: Record<string, { attainment: number; pace?: number }> };
}

/**
 * The metrics a report's words need, read back from the fact lines of the prompt ("[revenue] 销售额: 本周 ¥248,051,
 * 上周 ¥228,053, 环比 +8.8%; 去年同期 ¥195,306, 同比 +27.0%"), as a model reads them: the figures as printed.
 */
export function metricsFromPrompt(text: string): MetricsLike {
  const facts = new Map<string, string>();
  for (const m of text.matchAll(/^\[([^\]\n]+)\] (.*)$/gm)) facts.set(m[1]!, m[2]!);
  // The first line says which report: a daily flash, the weekly report or the month to date.
  const header = text.split('\n')[0] ?? '';
  const period = /(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})/.exec(text);
  const kpis: Record<string, Kpi> = {};
  for (const key of ['revenue', 'orders', 'units', 'averageOrderValue']) {
    const line = facts.get(key);
    if (!line) continue;
    // "label: A x, B y, C z; D u, E v": the figures in order (a label may hold a comma: "Last month, same days").
    const [now, lastYear] = line
      .slice(line.indexOf(': ') + 2)
      .split('; ')
      .map(figuresIn);
    const [current, previous, change] = now ?? [];
    const [yearAgo, yoy] = lastYear ?? [];
    kpis[key] = {
      current: amount(current),
      previous: amount(previous),
      changeRatio: ratio(change),
      ...(yearAgo !== undefined && yoy !== undefined && { lastYear: amount(yearAgo), yoyChangeRatio: ratio(yoy) }),
    };
  }
  const rows = (dimension: string) =>
    [...facts].flatMap(([id, line]) => {
      if (!id.startsWith(`${dimension}.`)) return [];
      // "华东: ¥45,313 (占比 18.3%, 上周 22.9%, -4.7个百分点; 环比 -13.3%; …)"
      const parts = line.split('; ');
      return [
        {
          name: id.slice(dimension.length + 1),
          revenue: amount(lastWord(line.split(' (')[0])),
          changeRatio: ratio(lastWord(parts[1]?.replace(/\)$/, ''))),
        },
      ];
    });
  const movers = facts.get('movers')?.split(/；|; /) ?? [];
  const moved = (half: string | undefined) =>
    [...(half ?? '').matchAll(/(?:^|[:：，,]\s*)\d+ (.+?) ([+-])\D*([\d,]+(?:\.\d+)?)/g)].map((m) => ({
      product: m[1]!,
      delta: (m[2] === '-' ? -1 : 1) * amount(m[3]),
    }));
  const target = facts.get('target.revenue');
  const percents = [...(target ?? '').matchAll(/([\d.]+)%/g)].map((m) => Number(m[1]) / 100);
  const sign = /^[+\-−]?([^\d+\-−]*)\d/.exec(figuresIn(facts.get('revenue')?.split(': ')[1] ?? '')[0] ?? '');
  return {
    ...(sign?.[1] && { currencySign: sign[1] }),
    ...(period && { period: { start: period[1]!, end: period[2]! } }),
    ...(/日报|daily/i.test(header)
      ? { periodKind: 'day' as const }
      : /月度|monthly/i.test(header)
        ? { periodKind: 'month' as const }
        : {}),
    kpis,
    byCategory: rows('category'),
    byRegion: rows('region'),
    risers: moved(movers[0]),
    fallers: moved(movers[1]),
    ...(target &&
      percents.length > 0 && {
        targets: {
          basis: percents.length > 1 ? ('month' as const) : ('week' as const),
          kpis: { revenue: { attainment: percents[0]!, ...(percents[1] !== undefined && { pace: percents[1] }) } },
        },
      }),
  };
}

/** The figures of a fact line's part, in order: "¥248,051", "+8.8%", "184", "—". */
function figuresIn(part: string): string[] {
  return part.match(/[+\-−]?(?:CN|US)?[¥$€£￥]?\d[\d,]*(?:\.\d+)?%?|—/g) ?? [];
}

function lastWord(part: string | undefined): string {
  return part?.trim().split(/\s+/).at(-1) ?? '';
}

/** "¥248,051", "CN¥1,348", "184", "−5,930" as a number. */
function amount(written: string | undefined): number {
  const n = Number((written ?? '').replace(/[−]/g, '-').replace(/[^\d.-]/g, ''));
  return Number.isFinite(n) ? n : 0;
}

/** "+8.8%" as 0.088; "—" (nothing to compare with) as null. */
function ratio(written: string | undefined): number | null {
  return written && /\d/.test(written) ? amount(written) / 100 : null;
}

type Lang = 'zh' | 'en';

export function writeDocument(schema: unknown, metrics: MetricsLike, lang: Lang, owners?: string[]): unknown {
  return walk(schema as Schema, [], new Phrases(metrics, lang, owners));
}

/**
 * The owners a system prompt names for recommendations, as a model takes them: "（如“店长”“店员”“陈列”…）" or
 * '(… e.g. "Store manager", "Floor staff", "Merchandising")'. None found: the simulator's own.
 */
export function ownersInPrompt(system: string): string[] | undefined {
  const text = system.replace(/\s+/g, ' ');
  const zh = /负责人（如((?:“[^”]+”)+)/.exec(text);
  if (zh) return [...zh[1]!.matchAll(/“([^”]+)”/g)].map((m) => m[1]!);
  const en = /owner \([^)]*?e\.g\. ((?:"[^"]+"(?:, )?)+)\)/.exec(text);
  return en ? [...en[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : undefined;
}

function walk(schema: Schema, path: string[], phrases: Phrases): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum)
    return path.at(-1) === 'priority' && schema.enum.includes('high') ? phrases.priority(path) : schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return walk(variant, path, phrases);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {})) out[key] = walk(sub, [...path, key], phrases);
      return out;
    }
    case 'array': {
      const max = schema.maxItems ?? 3;
      const n = Math.min(max, Math.max(schema.minItems ?? 0, phrases.count(path, max)));
      return Array.from({ length: n }, (_, i) =>
        walk(schema.items ?? { type: 'string' }, [...path, String(i)], phrases),
      );
    }
    case 'string': {
      let text = phrases.text(path);
      if (schema.maxLength !== undefined) text = [...text].slice(0, schema.maxLength).join('');
      while (schema.minLength !== undefined && [...text].length < schema.minLength) text += '.';
      return text;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** How a report names its period and its comparison, as the report's own prompts do. */
const PERIOD_WORDS = {
  day: { thisZh: '昨日', thisEn: 'yesterday', overEn: 'on the same day last week' },
  week: { thisZh: '本周', thisEn: 'this week', overEn: 'week over week' },
  month: { thisZh: '本月', thisEn: 'this month', overEn: 'month over month' },
} as const;

class Phrases {
  private readonly words;

  constructor(
    private readonly m: MetricsLike,
    private readonly lang: Lang,
    /** Whom the system prompt names as owners of recommendations. */
    private readonly owners?: string[],
  ) {
    this.words = PERIOD_WORDS[m.periodKind ?? 'week'];
  }

  /** Money as the facts print it: with their currency sign (¥237,359 / CN¥237,359), as a model copies it. */
  private money(x: number | undefined): string {
    return `${this.m.currencySign ?? signOf(this.m.currency, this.lang)}${money(x)}`;
  }

  count(path: string[], max: number): number {
    const key = path.at(-1);
    // The system states the data quality itself; the facts say nothing a note could add.
    if (key === 'dataQualityNotes') return 0;
    if (key === 'risks') return Math.min(max, (this.m.fallers?.length ?? 0) > 0 ? 2 : 1);
    // A daily flash's prompt asks for two of each at most.
    return Math.min(max, this.m.periodKind === 'day' ? 2 : 3);
  }

  priority(path: string[]): string {
    return ['high', 'medium', 'low'][Number(path.at(-2) ?? 0) % 3] ?? 'medium';
  }

  text(path: string[]): string {
    const zh = this.lang === 'zh';
    const k = this.m.kpis ?? {};
    const rev = k.revenue;
    const key = path.filter((p) => !/^\d+$/.test(p)).join('.');
    const i = Number(path.find((p) => /^\d+$/.test(p)) ?? 0);
    const topCat = this.m.byCategory?.[0];
    const riser = this.m.risers?.[i % Math.max(1, this.m.risers?.length ?? 1)];
    const faller = this.m.fallers?.[i % Math.max(1, this.m.fallers?.length ?? 1)];
    const region = this.m.byRegion?.[i % Math.max(1, this.m.byRegion?.length ?? 1)];
    switch (key) {
      case 'headline':
        return zh
          ? `${this.words.thisZh}销售额${this.money(rev?.current)}，环比${change(rev?.changeRatio, zh)} [revenue]`
          : `Revenue ${this.money(rev?.current)} ${this.words.thisEn}, ${change(rev?.changeRatio, zh)} ${this.words.overEn} [revenue]`;
      case 'summary':
        return zh
          ? `${this.period()}销售额${this.money(rev?.current)}，环比${change(rev?.changeRatio, zh)}；订单${k.orders?.current ?? 0}笔，客单价${this.money(k.averageOrderValue?.current)} [revenue, orders, averageOrderValue]。${topCat ? `${topCat.name}是第一大品类 [rank.category]。` : ''}${this.yearAndTarget()}`
          : `Revenue for ${this.period()} was ${this.money(rev?.current)}, ${change(rev?.changeRatio, zh)} ${this.words.overEn}, from ${k.orders?.current ?? 0} orders at ${this.money(k.averageOrderValue?.current)} per order [revenue, orders, averageOrderValue].${topCat ? ` ${topCat.name} is the largest category [rank.category].` : ''}${this.yearAndTarget()}`;
      case 'kpiCommentary.revenue':
      case 'kpiCommentary.orders':
      case 'kpiCommentary.units':
      case 'kpiCommentary.averageOrderValue': {
        const name = key.split('.')[1] ?? '';
        const v = k[name];
        return zh
          ? `${KPI_ZH[name] ?? name}环比${change(v?.changeRatio, zh)} [${name}]。`
          : `${KPI_EN[name] ?? name} ${change(v?.changeRatio, zh)} ${this.words.overEn} [${name}].`;
      }
      case 'highlights':
        // Only the first riser is the strongest: a superlative of the others would be false.
        return riser
          ? zh
            ? `${riser.product}销售额增长${this.money(riser.delta)}${i === 0 ? '，增幅领先' : ''} [movers]。`
            : `${riser.product} grew by ${this.money(riser.delta)}${i === 0 ? ', the strongest riser' : ''} [movers].`
          : zh
            ? `${this.words.thisZh}销售额环比${change(rev?.changeRatio, zh)} [revenue]。`
            : `Revenue ${change(rev?.changeRatio, zh)} ${this.words.overEn} [revenue].`;
      case 'risks':
        return faller
          ? zh
            ? `${faller.product}销售额下降${this.money(-faller.delta)} [movers]，建议核实原因。`
            : `${faller.product} fell by ${this.money(-faller.delta)} [movers]; worth checking why.`
          : zh
            ? '暂无明显风险。'
            : `No notable risk ${this.words.thisEn}.`;
      case 'recommendations.action':
        return region
          ? zh
            ? `复盘${region.name}地区的渠道投放与库存。`
            : `Review channel spend and stock in ${region.name}.`
          : zh
            ? `复盘${this.words.thisZh}促销效果。`
            : `Review the promotions of ${this.words.thisEn}.`;
      case 'recommendations.rationale':
        return region
          ? zh
            ? `${region.name}销售额环比${change(region.changeRatio, zh)} [region.${region.name}]。`
            : `${region.name} revenue ${change(region.changeRatio, zh)} ${this.words.overEn} [region.${region.name}].`
          : zh
            ? `${this.words.thisZh}销售额环比${change(rev?.changeRatio, zh)} [revenue]。`
            : `Revenue ${change(rev?.changeRatio, zh)} ${this.words.overEn} [revenue].`;
      case 'recommendations.owner':
        if (this.owners?.length) return this.owners[i % this.owners.length]!;
        return zh
          ? ['区域销售经理', '电商运营', '采购'][i % 3]!
          : ['Regional sales manager', 'E-commerce team', 'Purchasing'][i % 3]!;
      default:
        return zh ? '（模拟内容）' : '(simulated text)';
    }
  }

  /** Where the prompt gives them: revenue against the same week last year, and against its target. */
  private yearAndTarget(): string {
    const zh = this.lang === 'zh';
    const rev = this.m.kpis?.revenue;
    const target = this.m.targets?.kpis.revenue;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const parts: string[] = [];
    if (rev?.lastYear !== undefined && rev.yoyChangeRatio !== undefined && rev.yoyChangeRatio !== null)
      parts.push(
        zh
          ? `销售额同比${change(rev.yoyChangeRatio, zh)} [revenue]。`
          : ` Revenue is ${change(rev.yoyChangeRatio, zh)} year over year [revenue].`,
      );
    if (target) {
      const month = this.m.targets?.basis === 'month';
      parts.push(
        zh
          ? `${month ? '本月' : '本周'}销售额目标达成率${pct(target.attainment)}${target.pace === undefined ? '' : `，时间进度${pct(target.pace)}`} [target.revenue]。`
          : ` Revenue attainment against the ${month ? 'monthly' : 'weekly'} target is ${pct(target.attainment)}${target.pace === undefined ? '' : `, pace ${pct(target.pace)}`} [target.revenue].`,
      );
    }
    return parts.join('');
  }

  private period(): string {
    const p = this.m.period;
    if (p && p.start === p.end) return p.start; // a day, as a model names it
    return p ? `${p.start} – ${p.end}` : this.lang === 'zh' ? '本周' : 'the week';
  }
}

const KPI_ZH: Record<string, string> = {
  revenue: '销售额',
  orders: '订单数',
  units: '销量',
  averageOrderValue: '客单价',
};
const KPI_EN: Record<string, string> = {
  revenue: 'Revenue',
  orders: 'Orders',
  units: 'Units',
  averageOrderValue: 'Average order value',
};

/** The sign the product prints before an amount in the currency, when the metrics are given as they are. */
function signOf(currency: string | undefined, lang: Lang): string {
  if (currency === undefined) return '';
  const parts = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency }).formatToParts(
    1,
  );
  return parts.find((p) => p.type === 'currency')?.value ?? '';
}

function money(x: number | undefined): string {
  return (x ?? 0).toLocaleString('en-US', { maximumFractionDigits: 0 });
}

function change(ratio: number | null | undefined, zh: boolean): string {
  if (ratio === null || ratio === undefined) return zh ? '无可比数据' : 'with no prior week to compare';
  const pct = `${Math.abs(ratio * 100).toFixed(1)}%`;
  if (zh) return ratio >= 0 ? `增长${pct}` : `下降${pct}`;
  return ratio >= 0 ? `up ${pct}` : `down ${pct}`;
}
