import {
  DAY_WORDS,
  DECLINE_WORDS,
  DIMENSION_WORDS,
  GROWTH_WORDS,
  WEEK_WORDS,
  type Dimension,
  type Marker,
} from './claims';
import type { FactBook, Standing } from './facts';
import { subjectName, type Subject } from './figures';

/**
 * Binds the qualitative claims of one clause (claims.ts: ranks and superlatives, quantifiers, directions and
 * "flat", comparatives, records, days) to the facts of the report (facts.ts) that make them true, and says of each
 * one that binds to none what is wrong: the words, what is so, and the line of the fact to cite. The numbers of the
 * clause are bound by fact-check.ts, which calls this for each clause.
 */

/** A figure rounded for a reason: "12.9", "1,234.57". */
export function round(x: number): string {
  return (Math.round(x * 100) / 100).toLocaleString('en-US');
}

const ORDINAL_EN = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const DIMENSION_NAMES: Record<Dimension, string> = {
  region: 'regions',
  channel: 'channels',
  category: 'categories',
  product: 'top products',
};

function dimensionsNamed(clause: string): Dimension[] {
  return (Object.keys(DIMENSION_WORDS) as Dimension[]).filter((d) => DIMENSION_WORDS[d].test(clause));
}

export interface ClauseContext {
  clause: string;
  markers: Marker[];
  /** The names the clause speaks of: named in it, else those its citations name. */
  members: string[];
  /** The one subject a direction goes with, if there is one. */
  only: Subject | undefined;
  instruction: boolean;
  hedged: boolean;
  yoyClause: boolean;
  targetClause: boolean;
  shareClause: boolean;
  /** What a record or a place in the trend is of: orders when the clause speaks of them alone, else revenue. */
  trendMeasure: 'orders' | 'revenue';
  /** The dates the clause names (its weekdays and days, as days of the report), if it names any. */
  dates: Set<string> | undefined;
}

/**
 * Binds each qualitative claim of a clause (rank, superlative, quantifier, direction, "flat", comparative, record,
 * a day) to the fact that makes it true, and says what is wrong with each one that binds to none: the words, what
 * is so, and the fact's line to cite.
 */
export function qualitativeProblems(
  c: ClauseContext,
  facts: FactBook,
  changes: { change: Map<string, number>; yoy: Map<string, number>; share: Map<string, number> },
): { written: string; reason: string }[] {
  const problems: { written: string; reason: string }[] = [];
  const line = (id: string) => {
    const f = facts.facts.find((x) => x.id === id);
    return f ? ` [${f.id}] ${f.line}` : '';
  };
  const refuse = (written: string, reason: string) => problems.push({ written, reason });
  const consumed = new Set<Marker>();
  const of = <K extends Marker['kind']>(kind: K) =>
    c.markers.filter((m): m is Extract<Marker, { kind: K }> => m.kind === kind && !consumed.has(m));
  const direction = of('direction')[0];
  const predicate: 'up' | 'down' | 'flat' | undefined =
    direction?.direction ?? (GROWTH_WORDS.test(c.clause) ? 'up' : DECLINE_WORDS.test(c.clause) ? 'down' : undefined);
  const dims = dimensionsNamed(c.clause);
  const memberDims = c.members.flatMap((name) => {
    const d = facts.dimensionOf.get(name);
    return d ? [d] : [];
  });

  // Where this period stands in the trend: a record high or low.
  const recordClaim = (written: string, high: boolean, position = 1, negated = false) => {
    const current = facts.trend.find((s) => s.current);
    if (facts.trend.length < 2 || !current) {
      refuse(written, 'claims a record or a place in the trend, but the report has no trend to compare with');
      return;
    }
    const measure = c.trendMeasure;
    const sorted = [...facts.trend].sort((a, b) => b[measure] - a[measure]);
    const place = sorted.indexOf(current) + 1;
    const claimed = high ? position : sorted.length - position + 1;
    if ((place === claimed) === negated)
      refuse(
        written,
        `says this period is ${negated ? 'not ' : ''}${high ? 'the highest' : 'the lowest'} of the trend, but its ${measure} ranks ${ORDINAL_EN(place)} of ${sorted.length} from the top:${line('trend')}`,
      );
  };

  // Rank and superlative.
  const quantifiers = of('quantifier');
  for (const rank of of('rank')) {
    if (c.instruction && c.members.length === 0) continue;
    // "most regions" is a quantifier, not a superlative.
    if (quantifiers.some((q) => q.at === rank.at)) continue;
    consumed.add(rank);
    const named = c.members.filter((name) => facts.dimensionOf.has(name));
    const days = of('day');
    if (named.length > 0) {
      // The member the rank is said of: the one nearest before it, else the first.
      const name = named[0]!;
      const dimension = facts.dimensionOf.get(name)!;
      const byDecline = DECLINE_WORDS.test(c.clause) && !GROWTH_WORDS.test(c.clause);
      const byChange = byDecline || GROWTH_WORDS.test(c.clause);
      // A product's change is ranked as the email lists its movers: by the money it gained or lost.
      const movers = byDecline ? facts.fallers : facts.risers;
      if (dimension === 'product' && byChange && movers.includes(name)) {
        const actual = movers.indexOf(name) + 1;
        const claimed = rank.fromBottom ? movers.length - rank.position + 1 : rank.position;
        if ((actual === claimed) === (rank.negated ?? false))
          refuse(
            rank.text,
            `says ${name} ranks ${ORDINAL_EN(claimed)} among the products whose revenue ${byDecline ? 'fell' : 'rose'} most, but it ranks ${ORDINAL_EN(actual)}:${line('movers')}`,
          );
        continue;
      }
      const set = facts.sets.get(dimension) ?? [];
      const me = set.find((s) => s.name === name);
      if (!me) {
        refuse(
          rank.text,
          `ranks ${name}, but the report ranks it in no list:${line(`rank.${dimension}`)}${line('movers')}`,
        );
        continue;
      }
      const changed = set.filter((s) => s.byChange !== undefined).length;
      if (byChange && me.byChange === undefined) {
        refuse(
          rank.text,
          `ranks ${name} by change, but it had nothing in the period compared with:${line(`growth.${dimension}`)}`,
        );
        continue;
      }
      const size = byChange ? changed : set.length;
      // Position from the top of the order by change, by decline (the steepest fall first), or by revenue.
      const actual = byDecline ? changed - me.byChange! + 1 : byChange ? me.byChange! : me.byRevenue;
      const claimed = rank.fromBottom ? size - rank.position + 1 : rank.position;
      if ((actual === claimed) === (rank.negated ?? false)) {
        const measure = byDecline ? 'by decline' : byChange ? 'by change' : 'by revenue';
        refuse(
          rank.text,
          `says ${name} ${rank.negated ? 'does not rank' : 'ranks'} ${ORDINAL_EN(claimed)} of the ${size} ${DIMENSION_NAMES[dimension]} ${measure}, but it ranks ${ORDINAL_EN(actual)}:${line(byChange ? `growth.${dimension}` : `rank.${dimension}`)}`,
        );
      }
      continue;
    }
    // A span of the trend named by its first day ("the week of 10-05 was the best"): its place in the trend.
    const spanStarts = days.flatMap((d) => (d.monthDay ? [d.monthDay] : []));
    const span = WEEK_WORDS.test(c.clause)
      ? facts.trend.find((s) => spanStarts.some((md) => s.start.endsWith(md)))
      : undefined;
    if (span) {
      days.forEach((d) => consumed.add(d));
      const sorted = [...facts.trend].sort((a, b) => b.revenue - a.revenue);
      const place = sorted.indexOf(span) + 1;
      const claimed = rank.fromBottom ? sorted.length - rank.position + 1 : rank.position;
      if ((place === claimed) === (rank.negated ?? false))
        refuse(
          rank.text,
          `says the span from ${span.start} ranks ${ORDINAL_EN(claimed)} of the trend's ${sorted.length} by revenue, but it ranks ${ORDINAL_EN(place)}:${line('trend')}`,
        );
      continue;
    }
    if (days.length > 0 || DAY_WORDS.test(c.clause)) {
      if (facts.days.length < 2) {
        refuse(rank.text, 'ranks the days, but the report covers one day');
        continue;
      }
      const sorted = [...facts.days].sort((a, b) => b.revenue - a.revenue);
      const target = sorted[rank.fromBottom ? sorted.length - rank.position : rank.position - 1];
      const namedDates = c.dates ?? new Set<string>();
      if (namedDates.size === 0) {
        refuse(rank.text, `ranks a day but names none; name the day:${line('days')}`);
      } else if ((target !== undefined && namedDates.has(target.date)) === (rank.negated ?? false)) {
        refuse(
          rank.text,
          `says ${days.map((d) => d.text).join(', ')} ranks ${ORDINAL_EN(rank.position)} ${rank.fromBottom ? 'from the bottom' : 'from the top'} of the period's days, but that is ${target?.date ?? 'no day'}:${line('days')}`,
        );
      }
      days.forEach((d) => consumed.add(d));
      continue;
    }
    // "The top 3 products led": said of the list itself, true as the report prints it.
    if (/前[三五十\d]+|\btop\s*\d+/i.test(c.clause)) continue;
    const set = dims.find((d) => facts.sets.has(d));
    if (set) {
      refuse(
        rank.text,
        `ranks ${DIMENSION_NAMES[set]} but names none of them: name the one it means:${line(`rank.${set}`)}`,
      );
      continue;
    }
    if (c.targetClause) continue;
    // Said of the KPI itself ("revenue was the highest of the 8 weeks"): a place in the trend.
    recordClaim(rank.text, !rank.fromBottom, rank.position, rank.negated);
  }
  for (const record of of('record')) {
    consumed.add(record);
    if (c.instruction) continue;
    recordClaim(record.text, record.direction === 'high', 1, record.negated);
  }

  // Quantifiers over a set: how many of it rose, fell or held.
  for (const q of of('quantifier')) {
    const dimension = dims.find((d) => facts.sets.has(d)) ?? memberDims[0];
    if (!predicate || (c.instruction && typeof q.count !== 'number')) {
      if (typeof q.count === 'number' && q.of !== undefined && !c.instruction)
        refuse(q.text, 'counts members of a set but says not what they did (rose, fell or held)');
      continue;
    }
    if (!dimension) {
      if (typeof q.count === 'number' && q.of !== undefined)
        refuse(q.text, 'counts, but names no set the report counts (regions, channels, categories, top products)');
      continue;
    }
    consumed.add(q);
    if (direction) consumed.add(direction);
    const set = (facts.sets.get(dimension) ?? []).filter((s) => s.change !== null);
    const holds = (s: Standing) =>
      predicate === 'up'
        ? s.change! > 0
        : predicate === 'down'
          ? s.change! < 0
          : Math.abs(s.change!) < facts.flatPercent;
    const members = set.filter(holds).map((s) => s.name);
    const k = members.length;
    const total = set.length;
    const only = c.members.filter((n) => facts.dimensionOf.get(n) === dimension);
    const right =
      q.count === 'all'
        ? k === total
        : q.count === 'none'
          ? k === 0
          : q.count === 'most'
            ? k > total / 2
            : q.count === 'few'
              ? k > 0 && k < total / 2
              : q.count === 'half'
                ? Math.abs(k - total / 2) <= 0.5
                : q.count === 'only'
                  ? k === 1 && only.every((n) => members.includes(n))
                  : k === q.count && (q.of === undefined || q.of === total);
    if (right === (q.negated ?? false)) {
      const verb =
        predicate === 'up' ? 'rose' : predicate === 'down' ? 'fell' : `held flat (within ±${facts.flatPercent}%)`;
      refuse(
        q.text,
        `says "${q.text}" of the ${DIMENSION_NAMES[dimension]} ${verb}, but ${k} of ${total} did${k > 0 ? ` (${members.join(', ')})` : ''}:${line(`growth.${dimension}`)}`,
      );
    }
  }

  // Comparatives: between two members, or against the period compared with (a direction).
  for (const comp of of('comparative')) {
    if (c.instruction || c.targetClause) continue;
    const named = c.members.filter((name) => facts.dimensionOf.has(name));
    if (named.length >= 2) {
      consumed.add(comp);
      if (direction) consumed.add(direction);
      const [a, b] = named.map((name) => facts.sets.get(facts.dimensionOf.get(name)!)!.find((s) => s.name === name)!);
      const byChange = GROWTH_WORDS.test(c.clause) || DECLINE_WORDS.test(c.clause);
      const [x, y] = byChange ? [a!.change, b!.change] : [a!.revenue, b!.revenue];
      if (x === null || y === null) continue;
      if ((comp.direction === 'more') !== x > y)
        refuse(
          comp.text,
          `says ${a!.name} ${comp.direction === 'more' ? 'above' : 'below'} ${b!.name} ${byChange ? 'by change' : 'by revenue'}, but it is ${x > y ? 'above' : 'below'}:${line(`${byChange ? 'growth' : 'rank'}.${facts.dimensionOf.get(a!.name)}`)}`,
        );
    }
  }

  // A direction, or "flat", of the one subject it is said of.
  const dir = of('direction')[0];
  if (dir && !c.instruction && !c.targetClause) {
    const changeMap = c.yoyClause ? changes.yoy : c.shareClause ? changes.share : changes.change;
    const subject = c.only;
    const value = subject ? changeMap.get(subjectName(subject)) : undefined;
    if (subject && value !== undefined) {
      const name = subjectName(subject);
      const id = subject.kind === 'kpi' ? subject.key : `${facts.dimensionOf.get(name) ?? 'product'}.${name}`;
      const went = `${value > 0 ? 'rose' : 'fell'} ${round(Math.abs(value))}${c.shareClause && !c.yoyClause ? ' points' : '%'}`;
      if (dir.direction === 'flat') {
        if (Math.abs(value) < facts.flatPercent === (dir.negated ?? false))
          refuse(
            dir.text,
            `says ${name} ${dir.negated ? 'did not hold' : 'held'} flat, but it ${went} ("flat" is within ±${facts.flatPercent}%):${line(id)}`,
          );
      } else if (dir.negated) {
        // "未能增长", "did not grow": wrong only if it did.
        if (Math.abs(value) >= 0.05 && (dir.direction === 'up') === value > 0)
          refuse(c.clause, `says ${name} did not go ${dir.direction}, but it ${went}:${line(id)}`);
      } else if (Math.abs(value) >= 0.05 && (dir.direction === 'up') !== value > 0) {
        refuse(
          c.clause,
          `says ${name} went ${dir.direction}, but it went ${value > 0 ? 'up' : 'down'} (${went}):${line(id)}`,
        );
      }
    }
  }

  // A day named must be a day of the report.
  for (const day of of('day'))
    if (c.dates && !c.instruction && day.monthDay && ![...c.dates].some((d) => d.endsWith(day.monthDay!)))
      refuse(day.text, "names a day that is not in the report's period, the period compared with or the trend");
  return problems;
}
