import { Client, DatabaseError, types as pgTypes } from 'pg';
import Cursor from 'pg-cursor';
import { orderBuckets, SalesAggregator } from './aggregator';
import { failIfTooManyUnreadable, LineTally } from './line-tally';
import { GroupedOrderNets } from './order-count';
import { CellError, parseLabel, parseMoneyCents, parseOrderDate, parseQuantity, type DateOrder } from './cells';
import { addDays, readWindow, reportWindows, type IsoDate, type PeriodKind, type ReportWindows } from './dates';
import { SalesDataError } from './errors';
import { checkSlicesFresh, type FreshnessRules } from './freshness';
import { optionalFieldsOf, SlicedAggregator, WHOLE, type MetricsBySlice, type Slicing } from './slices';
import { mappedColumns, matchHeader, parseLine, type SourceDetails } from './load';
import { FIELDS, type Field } from './order-fields';
import type { RowProblem, SalesMetrics } from './metrics';

export interface PostgresLoadOptions {
  url: string;
  /** Order lines dated from $1 to $2 (inclusive ISO dates). */
  query: string;
  mode: 'lines' | 'aggregate';
  fetchRows: number;
  /** The session's time zone: a timestamp with time zone is read as a date of the report's calendar. */
  timezone: string;
  columns: Record<Field, string[]>;
  maxBadRowShare: number;
  badRowsShown: number;
  reportDate: IsoDate;
  currency: string;
  freshness?: FreshnessRules;
  /** Weeks of revenue and orders in a weekly report's trend (report.trendWeeks); the query reads as many. */
  trendWeeks?: number;
  /** What the report covers (default: the week). */
  period?: PeriodKind;
  /** How text dates with the year last are read (data.dateOrder). */
  dateOrder?: DateOrder;
  /** Told how the source was read (`data check`). */
  onDetails?: (details: SourceDetails) => void;
  /** The reports' scope and split: one pass computes every slice (in aggregate mode, grouped by the database). */
  slicing?: Slicing;
}

/** What the run and `data check` call the source: the database without its password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL (the URL in $SALES_REPORT_DATABASE_URL does not parse)';
  }
}

/** The field's own name, snake_case: how a query names its columns when it does not use data.columns' names. */
const snake = (field: Field) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Dates and timestamps come as the text PostgreSQL prints (in the session's time zone), not as JS Dates in the
 * worker's: a Date would shift a day for a worker east or west of the report's time zone.
 */
const AS_TEXT = new Set([1082 /* date */, 1114 /* timestamp */, 1184 /* timestamptz */]);
const typesAsText = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    AS_TEXT.has(oid)
      ? (value: string) => value
      : (pgTypes.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pgTypes.getTypeParser,
};

/**
 * The report's metrics from PostgreSQL. "lines" streams the query's order lines through a cursor (memory stays flat
 * at one batch); "aggregate" has the database sum them by day, product, category, region and channel and count
 * the orders, for tables too large to stream. Both give the metrics the same orders give from a file.
 */
export async function loadSalesMetricsFromPostgres(options: PostgresLoadOptions): Promise<SalesMetrics> {
  return (await loadSalesSlicesFromPostgres({ ...options, slicing: undefined }))[WHOLE]!;
}

/** Every slice's metrics from PostgreSQL, in one pass. */
export async function loadSalesSlicesFromPostgres(options: PostgresLoadOptions): Promise<MetricsBySlice> {
  const source = describeDatabase(options.url);
  const client = new Client({
    connectionString: options.url,
    types: typesAsText,
    options: `-c TimeZone=${options.timezone}`,
    application_name: 'sales-report',
  });
  try {
    await client.connect();
  } catch (err) {
    // Down or unreachable: worth retrying. The message names the server, never the password.
    throw new Error(`${source}: cannot connect: ${(err as Error).message}`);
  }
  try {
    const windows = reportWindows(options.reportDate, options.period, options.trendWeeks);
    const ranges = readRanges(windows);
    const slices =
      options.mode === 'aggregate'
        ? await aggregateInDatabase(client, options, windows, ranges, source)
        : await streamLines(client, options, windows, ranges, source);
    if (options.freshness) checkSlicesFresh(slices, source, options.freshness);
    return slices;
  } catch (err) {
    if (err instanceof DatabaseError) {
      // The query is wrong (syntax, a missing table or column, permissions): the same on every retry.
      const at = err.position ? ` (at character ${err.position} of data.source.query)` : '';
      throw new SalesDataError(`${source}: the database refused data.source.query: ${err.message}${at}`);
    }
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The date ranges the query is run for ($1, $2): the report's weeks with the trend and the month to date, and the
 * same week a year earlier on its own, so the year between is never read.
 */
function readRanges(windows: ReportWindows): [IsoDate, IsoDate][] {
  const window = readWindow(windows);
  const yearAgo = windows.yearAgo;
  // A trend a year long already holds it.
  if (yearAgo.end >= addDays(window.start, -1))
    return [[yearAgo.start < window.start ? yearAgo.start : window.start, window.end]];
  return [
    [window.start, window.end],
    [yearAgo.start, yearAgo.end],
  ];
}

async function streamLines(
  client: Client,
  o: PostgresLoadOptions,
  windows: ReportWindows,
  ranges: [IsoDate, IsoDate][],
  source: string,
): Promise<MetricsBySlice> {
  // The columns first, to map them and to find the order id: the query as written, so the database's errors point
  // into it. A cursor fetches one row, not the result.
  const needed = optionalFieldsOf([o.slicing ?? {}]);
  const header = matchHeader(await columnsOf(client, o.query, ranges[0]!), withFieldNames(o.columns), needed);
  if (!('map' in header)) {
    throw new SalesDataError(
      `${source}: data.source.query returns no column for ${header.missing}. Columns returned: ${header.names.join(', ')}`,
    );
  }
  const { map, names } = header;
  o.onDetails?.({ source, format: 'postgres', mode: 'lines', columns: mappedColumns(map, names) });
  // Sorted by order, an order's lines come together: its net is known when the next order starts, and nothing
  // about past orders is kept. Memory stays at one batch however many orders the weeks hold.
  const orderColumn = map.orderId === undefined ? undefined : names[map.orderId];
  const text = orderColumn
    ? `SELECT * FROM (${o.query}) AS lines ORDER BY lines."${orderColumn.replaceAll('"', '""')}"`
    : o.query;
  const aggregator = new SlicedAggregator(
    () => new SalesAggregator(windows, o.currency, orderColumn ? new GroupedOrderNets() : undefined),
    o.slicing,
  );
  const tally = new LineTally(aggregator, o.badRowsShown);
  for (const range of ranges) {
    const cursor = client.query(new Cursor(text, range, { rowMode: 'array' }));
    try {
      for (;;) {
        const rows = (await cursor.read(o.fetchRows)) as unknown[][];
        for (const cells of rows) {
          if (cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''))) {
            tally.blankRows++;
            continue;
          }
          tally.take(parseLine(cells, map, o.dateOrder, needed), tally.dataRows + tally.blankRows + 1, (field) => ({
            file: 'data.source.query',
            column: names[map[field] ?? 0] ?? field,
          }));
        }
        if (rows.length < o.fetchRows) break;
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }
  return tally.finish(source, source, o.maxBadRowShare);
}

async function columnsOf(client: Client, query: string, values: string[]): Promise<string[]> {
  const probe = client.query(new Cursor(query, values, { rowMode: 'array' }));
  try {
    return await new Promise<string[]>((resolve, reject) =>
      probe.read(1, (err, _rows, result) => (err ? reject(err) : resolve(result.fields.map((f) => f.name)))),
    );
  } finally {
    await probe.close().catch(() => undefined);
  }
}

/**
 * The fields the aggregate query needs, by their own names: all but the unit price (it sums amounts), and the store
 * or manager only when a report slices by it.
 */
const AGGREGATE_FIELDS: readonly Field[] = FIELDS.filter(
  (field) => field !== 'unitPrice' && field !== 'store' && field !== 'manager',
);

async function aggregateInDatabase(
  client: Client,
  o: PostgresLoadOptions,
  windows: ReportWindows,
  ranges: [IsoDate, IsoDate][],
  source: string,
): Promise<MetricsBySlice> {
  const [range, ...others] = ranges as [[IsoDate, IsoDate], ...[IsoDate, IsoDate][]];
  const f = (field: Field) => snake(field);
  const lines = `WITH lines AS (${o.query})`;
  // Checked first, so a missing column is said in the product's words rather than as an SQL error.
  const probe = await client.query({ text: `${lines} SELECT * FROM lines LIMIT 0`, values: range });
  const returned = probe.fields.map((x) => x.name);
  // Grouped by the store or manager too only when a report slices by it: a thousand stores multiply the groups.
  const needed = optionalFieldsOf([o.slicing ?? {}]);
  const fields = [...AGGREGATE_FIELDS, ...needed];
  const missing = fields.filter((field) => !returned.includes(f(field)));
  if (missing.length > 0) {
    throw new SalesDataError(
      `${source}: in aggregate mode data.source.query must return columns named ${fields.map(f).join(', ')}; ` +
        `missing: ${missing.map(f).join(', ')}. Columns returned: ${returned.join(', ')}`,
    );
  }
  o.onDetails?.({
    source,
    format: 'postgres',
    mode: 'aggregate',
    columns: Object.fromEntries(fields.map((field) => [field, f(field)])),
  });
  const groupsIn = (values: [IsoDate, IsoDate]) =>
    client.query({
      rowMode: 'array',
      text: `${lines}
      SELECT ${f('orderDate')}::date::text, ${f('product')}::text, ${f('category')}::text, ${f('region')}::text,
             ${f('channel')}::text, sum(${f('quantity')})::text, sum(${f('amount')})::text,
             sum(CASE WHEN ${f('amount')} > 0 THEN ${f('amount')} ELSE 0 END)::text,
             sum(CASE WHEN ${f('amount')} < 0 THEN -${f('amount')} ELSE 0 END)::text,
             count(*) FILTER (WHERE ${f('amount')} < 0), count(*)${needed.map((x) => `, ${f(x)}::text`).join('')}
      FROM lines GROUP BY 1, 2, 3, 4, 5${needed.map((_, i) => `, ${12 + i}`).join('')} ORDER BY 1, 2, 3, 4, 5`,
      values,
    });
  // The slices' orders are counted where the lines are: in scope only, by the split field's value, in every bucket
  // each day falls in (the period, the one compared, each trend span, the month to date, a year ago), which the
  // aggregator's own rule gives (orderBuckets): the database counts, it does not decide the windows.
  const days = orderBuckets(windows).flatMap(([day, buckets]) => buckets.map((bucket) => [day, bucket] as const));
  const { where, slice, params } = sliceSql(o.slicing, f, 4);
  const ordersIn = (values: [IsoDate, IsoDate]) =>
    client.query<{ bucket: number; slice: string; orders: string }>({
      text: `${lines}, buckets AS (SELECT * FROM unnest($3::date[], $4::int[]) AS b(day, bucket)),
      per_order AS (
        SELECT b.bucket, ${slice} AS slice, ${f('orderId')} AS id, sum(${f('amount')}) AS net
        FROM lines JOIN buckets b ON b.day = ${f('orderDate')}::date
        WHERE ${where} GROUP BY 1, 2, 3)
      SELECT bucket, slice, count(*) FILTER (WHERE net > 0)::text AS orders FROM per_order GROUP BY 1, 2`,
      values: [
        ...values,
        days.filter(([day]) => day >= values[0] && day <= values[1]).map(([day]) => day),
        days.filter(([day]) => day >= values[0] && day <= values[1]).map(([, bucket]) => bucket),
        ...params,
      ],
    });

  const aggregator = new SlicedAggregator(() => new SalesAggregator(windows, o.currency), o.slicing);
  const problems: RowProblem[] = [];
  let dataRows = 0;
  let skippedRows = 0;
  const counts = new Map<string, Map<number, number>>();
  const count = (key: string, bucket: number, orders: string) => {
    if (!counts.has(key)) counts.set(key, new Map());
    const slice = counts.get(key)!;
    slice.set(bucket, (slice.get(bucket) ?? 0) + Number(orders));
  };
  for (const values of [range, ...others]) {
    const groups = await groupsIn(values);
    for (const [index, row] of (groups.rows as unknown[][]).entries()) {
      const [date, product, category, region, channel, units, net, gross, refunds, refundLines, count, ...extra] = row;
      const lines = Number(count);
      dataRows += lines;
      let column = 'order_date';
      try {
        const at = <T>(name: string, parse: () => T): T => {
          column = name;
          return parse();
        };
        aggregator.addGroup({
          date: at('order_date', () => parseOrderDate(date, o.dateOrder)),
          product: at('product', () => parseLabel(product, 'product')),
          category: at('category', () => parseLabel(category, 'category')),
          region: at('region', () => parseLabel(region, 'region')),
          channel: at('channel', () => parseLabel(channel, 'channel')),
          units: at('quantity', () => parseQuantity(units)),
          revenueCents: at('amount', () => parseMoneyCents(net, 'amount')),
          grossCents: parseMoneyCents(gross ?? 0),
          refundCents: parseMoneyCents(refunds ?? 0),
          refundLines: Number(refundLines),
          lines,
          ...Object.fromEntries(needed.map((x, i) => [x, at(snake(x), () => parseLabel(extra[i], x))])),
        });
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        skippedRows += lines;
        if (problems.length < o.badRowsShown)
          problems.push({
            file: 'data.source.query',
            row: index + 1,
            column,
            reason: `${err.message} (${lines} lines)`,
          });
      }
    }
    for (const r of (await ordersIn(values)).rows) count(r.slice, r.bucket, r.orders);
  }
  aggregator.setOrderCounts(counts);
  failIfTooManyUnreadable(source, dataRows, skippedRows, problems, o.maxBadRowShare);
  return aggregator.finish({ file: source, dataRows, blankRows: 0, skippedRows, problems });
}

/**
 * The scope as an SQL condition and the split field as the slice's column, their values as parameters numbered
 * after the first `after`: the same slices SlicedAggregator keys lines by (labels trimmed as cells are).
 */
function sliceSql(
  slicing: Slicing | undefined,
  f: (field: Field) => string,
  after: number,
): { where: string; slice: string; params: string[][] } {
  const params: string[][] = [];
  const conditions = Object.entries(slicing?.scope ?? {}).map(([field, values]) => {
    params.push(values);
    return `btrim(${f(field as Field)}::text) = ANY($${after + params.length}::text[])`;
  });
  return {
    where: conditions.length > 0 ? conditions.join(' AND ') : 'true',
    slice: slicing?.split ? `btrim(${f(slicing.split)}::text)` : `'${WHOLE}'`,
    params,
  };
}

/** data.columns' names, and each field's own snake_case name besides. */
function withFieldNames(columns: Record<Field, string[]>): Record<Field, string[]> {
  return Object.fromEntries(FIELDS.map((field) => [field, [...columns[field], snake(field)]])) as Record<
    Field,
    string[]
  >;
}
