// One measurement in a fresh process, so peak RSS belongs to this load alone. Prints one JSON line.
import { parseConfig } from '../config/config';
import { loadSalesMetrics } from '../sales/load';
import { loadSalesMetricsFromPostgres } from '../sales/postgres';
import { BENCH_QUERY } from './postgres-data';
import { readFileSync } from 'node:fs';

const [mode, path, reportDate] = process.argv.slice(2);

const { data } = parseConfig({});
/** What every measured load is given alike. */
const common = {
  columns: data.columns,
  maxBadRowShare: 0.05,
  badRowsShown: 5,
  reportDate: reportDate!,
  currency: 'CNY',
};

async function ours(): Promise<number> {
  const metrics = await loadSalesMetrics({ ...common, path: path!, format: 'auto' });
  return metrics.dataQuality.dataRows;
}

/** The same report week from PostgreSQL (`path` is the database URL): streamed through a cursor, or pushed down. */
async function postgres(mode: 'lines' | 'aggregate'): Promise<number> {
  const metrics = await loadSalesMetricsFromPostgres({
    ...common,
    url: path!,
    query: BENCH_QUERY,
    mode,
    fetchRows: data.source.fetchRows,
    timezone: 'Asia/Shanghai',
  });
  return metrics.dataQuality.dataRows;
}

/**
 * This process's own peak RSS. getrusage's maxrss survives exec on Linux, so a child would report its parent's
 * high-water mark; VmHWM belongs to the address space this process has now.
 */
function peakRssMB(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const started = process.hrtime.bigint();
const run =
  mode === 'pg-lines' ? () => postgres('lines') : mode === 'pg-aggregate' ? () => postgres('aggregate') : ours;
void run().then((rows) => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ rows, seconds, peakRssMB: peakRssMB() }));
});
