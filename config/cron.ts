/**
 * The five-field cron expressions the config gives schedules (minute, hour, day of month, month, day of week, as
 * Temporal Schedules read them, with the @daily-style shorthands), understood well enough to say on which days a
 * schedule fires and at what time: the missed-report check owes a report only for the days its schedule fired.
 */
export interface CronDays {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 is read as Sunday). */
  daysOfWeek: ReadonlySet<number>;
  /** Both day fields restricted: a day matching either fires (as cron has always read them). */
  eitherDay: boolean;
}

const SHORTHANDS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The first name's number (months count from 1). */
  namesFrom?: number;
}

const FIELDS: FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

/** The expression's fields, or what is wrong with it, in words. */
export function parseCron(expression: string): CronDays | { problem: string } {
  const text = SHORTHANDS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return {
      problem: `"${expression}" is not a five-field cron expression (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1" for Mondays at 9:00) nor one of ${Object.keys(SHORTHANDS).join(', ')}`,
    };
  const sets: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const set = parseField(part, FIELDS[i]!);
    if (typeof set === 'string') return { problem: `"${expression}": ${FIELDS[i]!.name} ${set}` };
    sets.push(set);
  }
  const [minutes, hours, daysOfMonth, months, week] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const daysOfWeek = new Set([...week].map((d) => d % 7));
  return { minutes, hours, daysOfMonth, months, daysOfWeek, eitherDay: parts[2] !== '*' && parts[4] !== '*' };
}

/** The first time of day the schedule fires on `date` (a YYYY-MM-DD calendar day), or undefined if it does not. */
export function firstFireOn(cron: CronDays, date: string): { hour: number; minute: number } | undefined {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (!cron.months.has(m)) return undefined;
  const byMonthDay = cron.daysOfMonth.has(d);
  const byWeekday = cron.daysOfWeek.has(weekday);
  if (!(cron.eitherDay ? byMonthDay || byWeekday : byMonthDay && byWeekday)) return undefined;
  return { hour: Math.min(...cron.hours), minute: Math.min(...cron.minutes) };
}

function parseField(part: string, rule: FieldRule): Set<number> | string {
  const set = new Set<number>();
  for (const item of part.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `has a step that is not a whole number above 0: "${item}"`;
    let from: number;
    let to: number;
    if (range === '*') {
      from = rule.min;
      to = rule.name === 'day of week' ? 6 : rule.max;
    } else {
      const [a, b] = range.split('-');
      const first = valueOf(a ?? '', rule);
      const last = b === undefined ? (stepText === undefined ? first : rule.max) : valueOf(b, rule);
      if (first === undefined || last === undefined)
        return `has "${item}", not a number from ${rule.min} to ${rule.max}${rule.names ? ` or a name (${rule.names.join(', ')})` : ''}`;
      if (last < first) return `has a range that runs backwards: "${item}"`;
      from = first;
      to = last;
    }
    for (let v = from; v <= to; v += step) set.add(v);
  }
  return set;
}

function valueOf(text: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (rule.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= rule.min && n <= rule.max ? n : undefined;
}
