/**
 * A morning of split reports from one big source on one batching GPU: the bill against what the GPU had to do, the
 * wall time, the source read once, the worker's CPU per report and RSS, every email sent once to its own reader
 * with its own figures only.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { table } from '../cli/table';
import { addDays } from '../sales/dates';
import { SENT_OUTCOMES, WORKFLOW_TYPES } from '../temporal/contracts';
import { morningResults } from '../temporal/runs';
import type { morningReports, salesReport } from '../workflows';
import type { LocalStack } from '../dev/local-stack';
import { sharedRenderPool } from '../report/render/render-process';
import { L4 } from '../gpu/fleet-plan';
import { OUT, poolInstance, r2, REPORT_DATE, say, scenario, slowGpu, type Env } from './scenario';

/** Where the worker's Prometheus endpoint is, for the product's own counters (the source reads). */
export interface MetricsEndpoint {
  url: string;
}

const PRODUCTS = Array.from({ length: 40 }, (_, i) => [
  `商品${String(i + 1).padStart(2, '0')}`,
  ['食品', '家居', '服饰', '数码'][i % 4]!,
]);
const CHANNELS = ['线上', '门店', '批发'];
const REGIONS = ['华东', '华北', '华南', '西南', '东北'];

/** `stores` stores' order lines over the report's two weeks, `lines` in all, as a CSV export. */
export async function writeStoresCsv(path: string, stores: number, lines: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('Order ID,Order Date,Product,Category,Region,Channel,Store,Quantity,Amount\n');
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < lines; i++) {
    const store = storeName(i % stores);
    const [product, category] = PRODUCTS[Math.floor(random() * PRODUCTS.length)]!;
    const date = addDays(REPORT_DATE, -1 - (Math.floor(i / (2 * stores)) % 14));
    const units = 1 + Math.floor(random() * 3);
    const amount = (units * (20 + Math.floor(random() * 300))).toFixed(2);
    // Two lines an order, both of one store (lines i and i + stores): an order belongs to the store that sold it.
    const order = `${store}-${Math.floor(i / (2 * stores))}`;
    const region = REGIONS[(i % stores) % REGIONS.length]!;
    const row = `${order},${date},${product},${category},${region},${CHANNELS[i % 3]},${store},${units},${amount}\n`;
    if (!out.write(row)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The ten heavenly stems as the digits of a store's name: names no label of the email contains. */
const STEMS = '甲乙丙丁戊己庚辛壬癸';
const STORE_NAME = /[甲乙丙丁戊己庚辛壬癸]+号店/g;

/** The i-th store's name, in Chinese as shops name them ("甲乙丙号店"): each multi-byte, each its own. */
export function storeName(i: number): string {
  const digits = String(i + 1).padStart(4, '0');
  return `${[...digits].map((d) => STEMS[Number(d)]).join('')}号店`;
}

/** CPU seconds the render processes have used so far (Linux: utime + stime from /proc, at 100 ticks a second). */
export function renderCpuSeconds(): number {
  return sharedRenderPool().processes.reduce((sum, p) => {
    if (p.pid === undefined) return sum;
    try {
      const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return sum;
    }
  }, 0);
}

/** The product's counter, read from the worker's Prometheus endpoint (0 before the first read). */
async function sourceReads(metrics: MetricsEndpoint): Promise<number> {
  const text = await fetch(metrics.url).then((r) => r.text());
  return [...text.matchAll(/^sales_report_source_reads(?:_total)?\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

/**
 * One morning: `stores` reports split by store from a source of `lines` lines, on a GPU that batches as vLLM on an
 * L4 does (40 tok/s a stream, 800 in aggregate, 64 sequences, prompts prefilled at 4,000 tok/s, the system prompt
 * cached, 60 s boot; `quick` scales rates by 5 and boots in 5 s).
 */
export async function morningBench(env: Env, metrics: MetricsEndpoint, stores: number, lines: number, quick: boolean) {
  const scale = quick ? 5 : 1;
  const bootSeconds = quick ? 5 : 60;
  const aggregate = 800 * scale;
  // An L4's compute for prompts (gpu/fleet-plan.ts L4): the larger part of the GPU's work at this prompt size.
  const prefill = L4.prefillTokensPerSecond * scale;
  const maxNumSeqs = 64;
  const dir = join(OUT, 'data');
  mkdirSync(dir, { recursive: true });
  const data = join(dir, `stores-${stores}-${lines}-by-store-zh.csv`);
  if (!existsSync(data)) await writeStoresCsv(data, stores, lines);
  say(
    `morning: ${stores} reports split by store from ${lines.toLocaleString('en-US')} lines; boot ${bootSeconds}s, ${40 * scale}/${aggregate} tok/s, ${maxNumSeqs} seqs`,
  );
  const recipients = Object.fromEntries(
    Array.from({ length: stores }, (_, i) => [storeName(i), [`store-${i + 1}@example.com`]]),
  );
  const setup = {
    simulator: [
      ...slowGpu(bootSeconds * 1000, 40 * scale),
      '--aggregate-tokens-per-second',
      String(aggregate),
      '--max-num-seqs',
      String(maxNumSeqs),
      '--prefill-tokens-per-second',
      String(prefill),
    ],
    config: {
      llm: { maxConcurrentRequests: maxNumSeqs },
      reports: [{ id: 'by-store', period: 'week' as const, split: { by: 'store' as const, recipients } }],
      timeouts: { loadDataSeconds: 1200 },
    },
  };
  return scenario(env, `morning-${stores}`, setup, data, async (stack) => {
    const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
    let peakMB = mb();
    const sampling = setInterval(() => (peakMB = Math.max(peakMB, mb())), 200);
    const readsBefore = await sourceReads(metrics);
    const cpuBefore = process.cpuUsage();
    const renderBefore = renderCpuSeconds();
    const started = Date.now();
    const morning = await stack.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `bench-morning-${started}`,
      args: [{ reportDate: REPORT_DATE }],
    });
    const reports = await morningResults(morning);
    const wallSeconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const renderCpu = renderCpuSeconds() - renderBefore;
    clearInterval(sampling);
    const reads = (await sourceReads(metrics)) - readsBefore;
    const instance = await poolInstance(stack);
    const tokens = reports.reduce((sum, r) => sum + (r.tokens ?? 0), 0);
    const usage = await tokenUsage(
      stack,
      reports.map((r) => r.workflowId),
    );
    const completion = usage.completion;
    const uncached = usage.prompt - usage.cached;
    // What the GPU had to do: boot, the prompts the prefix cache did not hold, the completions.
    const floor = bootSeconds + uncached / prefill + completion / aggregate;

    // Every store's email: once, to its own reader, under its own Chinese name, naming no other store.
    const messages = stack.sink.messages;
    const perReader = new Map<string, number>();
    let crossSlice = 0;
    const named = new Set<string>();
    for (const m of messages) {
      const reader = m.envelope.to.join(',');
      perReader.set(reader, (perReader.get(reader) ?? 0) + 1);
      const own = storeName(Number(/store-(\d+)@/.exec(reader)?.[1] ?? 0) - 1);
      const text = `${m.parsed.subject ?? ''}\n${String(m.parsed.html)}\n${m.parsed.text ?? ''}`;
      if ((m.parsed.subject ?? '').includes(own)) named.add(own);
      if (!text.includes(own) || [...text.matchAll(STORE_NAME)].some((x) => x[0] !== own)) crossSlice++;
    }
    // Name by name: every store's subject carries its name whole (no replacement character, no other store's).
    const misnamed = Array.from({ length: stores }, (_, i) => storeName(i)).filter((name) => !named.has(name));
    const result = {
      reports: stores,
      lines,
      sent: reports.filter((r) => SENT_OUTCOMES.includes(r.outcome)).length,
      emails: messages.length,
      duplicates: [...perReader.values()].filter((n) => n > 1).length,
      crossSlice,
      misnamed: misnamed.length,
      sourceReads: reads,
      instances: instance.instances,
      tokens,
      completionTokens: completion,
      promptTokens: usage.prompt,
      cachedPromptTokens: usage.cached,
      floorSeconds: r2(floor),
      billedSeconds: r2(instance.billedSeconds),
      billedRatio: r2(instance.billedSeconds / floor),
      wallSeconds: r2(wallSeconds),
      wallOverFloorSeconds: r2(wallSeconds - floor),
      // The worker's own process (workflows, activities, the client, the SMTP sink); rendering is in its own processes.
      cpuSecondsPerReport: r2((cpu.user + cpu.system) / 1e6 / stores),
      renderCpuSecondsPerReport: r2(renderCpu / stores),
      peakRssMB: peakMB,
    };
    say(
      `  ${stores}: ${result.sent} sent, ${result.emails} emails, ${result.duplicates} duplicates, ${crossSlice} with another store's name, ${misnamed.length} not under its own name${misnamed.length ? ` (${misnamed.slice(0, 5).join(', ')})` : ''}; source read ${reads}×; billed ${result.billedSeconds}s = ×${result.billedRatio} of boot + ${uncached} uncached prompt tokens ÷ ${prefill} + ${completion} completion tokens ÷ ${aggregate} (${result.floorSeconds}s; ${usage.cached} prompt tokens from the prefix cache); wall ${result.wallSeconds}s; ${result.cpuSecondsPerReport} core-s a report (+ ${result.renderCpuSecondsPerReport} rendering); RSS peak ${peakMB} MB`,
    );
    return result;
  });
}

/** The tokens the reports' model calls read (and of those, found in the prefix cache) and wrote. */
export async function tokenUsage(
  stack: LocalStack,
  ids: string[],
): Promise<{ prompt: number; cached: number; completion: number }> {
  const sum = { prompt: 0, cached: 0, completion: 0 };
  for (const id of ids) {
    const r = await stack.client.workflow
      .getHandle<typeof salesReport>(id)
      .result()
      .catch(() => undefined);
    sum.prompt += r?.llm?.usage.promptTokens ?? 0;
    sum.cached += r?.llm?.usage.cachedPromptTokens ?? 0;
    sum.completion += r?.llm?.usage.completionTokens ?? 0;
  }
  return sum;
}

export function morningTable(rows: Awaited<ReturnType<typeof morningBench>>[]): string {
  return table(
    [
      'reports',
      'lines',
      'sent',
      'emails',
      'dupl.',
      'cross-slice',
      'misnamed',
      'reads',
      'boot + prefill + decode s',
      'billed s',
      '×',
    ],
    rows.map((m) => [
      m.reports,
      m.lines,
      m.sent,
      m.emails,
      m.duplicates,
      m.crossSlice,
      m.misnamed,
      m.sourceReads,
      m.floorSeconds,
      m.billedSeconds,
      m.billedRatio,
    ]),
  ).concat(
    '\n',
    table(
      ['reports', 'wall s', 'wall − floor s', 'worker core-s / report', 'render core-s / report', 'worker RSS peak MB'],
      rows.map((m) => [
        m.reports,
        m.wallSeconds,
        m.wallOverFloorSeconds,
        m.cpuSecondsPerReport,
        m.renderCpuSecondsPerReport,
        m.peakRssMB,
      ]),
    ),
  );
}
