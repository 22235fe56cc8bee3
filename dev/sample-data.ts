import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { addDays, type IsoDate } from '../sales/dates';

/** A small deterministic PRNG (mulberry32): the same seed gives the same file, byte for byte in CSV. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATALOG: { product: string; category: string; price: number }[] = [
  { product: '无线耳机 Pro', category: '数码', price: 899 },
  { product: '智能手表 S3', category: '数码', price: 1299 },
  { product: '蓝牙音箱 Mini', category: '数码', price: 299 },
  { product: '移动电源 20000mAh', category: '数码', price: 159 },
  { product: '空气炸锅 5L', category: '家电', price: 459 },
  { product: '电热水壶', category: '家电', price: 129 },
  { product: '扫地机器人 X1', category: '家电', price: 2199 },
  { product: '纯棉T恤', category: '服饰', price: 79 },
  { product: '羽绒服 轻薄款', category: '服饰', price: 599 },
  { product: '运动跑鞋', category: '服饰', price: 469 },
  { product: '有机绿茶 250g', category: '食品', price: 88 },
  { product: '坚果礼盒', category: '食品', price: 168 },
  { product: '精品咖啡豆 1kg', category: '食品', price: 218 },
  { product: '保湿面霜', category: '美妆', price: 329 },
  { product: '防晒喷雾', category: '美妆', price: 119 },
];
const REGIONS = ['华东', '华南', '华北', '西南', '华中'];
const CHANNELS = ['天猫', '京东', '抖音', '线下门店'];
// Sunday..Saturday: weekends sell more.
const WEEKDAY_FACTOR = [1.35, 0.85, 0.9, 0.95, 1.0, 1.15, 1.4];

export const SAMPLE_HEADER = ['订单号', '订单日期', '商品', '品类', '地区', '渠道', '数量', '单价', '金额'];

export interface SampleOptions {
  endDate: IsoDate;
  days: number;
  ordersPerDay: number;
  seed: number;
  /** Rows per 1,000 that are unreadable (bad amount or date), for exercising the data-quality path. */
  badRowsPerThousand: number;
  /** Growth in orders over a year (0.15: the last day has 15% more orders than the same day a year before). */
  yearlyGrowth?: number;
}

/**
 * The sample the real model is measured on (its corpus, its benchmark): a year and a week of seeded sales without
 * dirt, reported on 2026-11-20, so every fact has its year-ago and trend. The prompt-size test counts its tokens.
 */
export const YEAR_SAMPLE = {
  reportDate: '2026-11-20',
  options: { endDate: '2026-11-19', days: 371, ordersPerDay: 25, seed: 23, badRowsPerThousand: 0, yearlyGrowth: 0.15 },
} as const satisfies { reportDate: IsoDate; options: SampleOptions };

export type SampleRow = (string | number | Date | null)[];

/** Order lines over `days` days ending `endDate`, with a weekday pattern, per-product weekly drift and some dirt. */
export function* sampleRows(options: SampleOptions): Generator<SampleRow> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const start = addDays(options.endDate, -(options.days - 1));
  const drift = CATALOG.map(() => 0.7 + random() * 0.6);
  let orderNo = 100000;
  for (let d = 0; d < options.days; d++) {
    const date = addDays(start, d);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (d % 7 === 0) drift.forEach((v, i) => (drift[i] = Math.min(1.6, Math.max(0.4, v * (0.8 + random() * 0.45)))));
    const growth = 1 + ((options.yearlyGrowth ?? 0) * (d - options.days + 1)) / 364;
    const orders = Math.round(options.ordersPerDay * growth * (WEEKDAY_FACTOR[weekday] ?? 1) * (0.9 + random() * 0.2));
    for (let o = 0; o < orders; o++) {
      orderNo++;
      const lines = 1 + Math.floor(random() * random() * 3);
      const region = pick(REGIONS);
      const channel = pick(CHANNELS);
      for (let l = 0; l < lines; l++) {
        let index = Math.floor(random() * CATALOG.length);
        if (random() > (drift[index] ?? 1) / 1.6) index = Math.floor(random() * CATALOG.length);
        const item = CATALOG[index] ?? CATALOG[0]!;
        const quantity = 1 + Math.floor(random() * random() * 4);
        const amount = Math.round(item.price * quantity * (random() < 0.2 ? 0.9 : 1) * 100) / 100;
        const bad = random() * 1000 < options.badRowsPerThousand;
        const amountCell: string | number = bad
          ? 'N/A'
          : random() < 0.1
            ? `¥${amount.toLocaleString('en-US')}`
            : amount;
        const dateCell = random() < 0.1 ? date.replace(/-/g, '/') : date;
        yield [
          `SO${orderNo}`,
          dateCell,
          item.product,
          item.category,
          region,
          channel,
          quantity,
          item.price,
          amountCell,
        ];
      }
    }
    if (d % 10 === 5) yield [null, null, null, null, null, null, null, null, null]; // a blank row, as people leave them
  }
}

export async function writeSampleCsv(path: string, options: SampleOptions): Promise<number> {
  const out = createWriteStream(path, 'utf8');
  let count = 0;
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`\ufeff${SAMPLE_HEADER.join(',')}\n`);
  for (const row of sampleRows(options)) {
    await write(`${row.map(csvCell).join(',')}\n`);
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

export function csvCell(value: string | number | Date | null): string {
  if (value === null) return '';
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Streams the workbook to disk: memory stays flat however many rows. Dates are real Excel dates. */
export async function writeSampleXlsx(path: string, options: SampleOptions): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('订单明细');
  sheet.columns = SAMPLE_HEADER.map((header, i) => ({ header, key: String(i), width: i === 2 ? 20 : 12 }));
  sheet.getColumn(2).numFmt = 'yyyy-mm-dd';
  let count = 0;
  for (const row of sampleRows(options)) {
    const cells = row.map((cell, i) =>
      i === 1 && typeof cell === 'string' && cell.includes('-') ? new Date(`${cell}T00:00:00Z`) : cell,
    );
    sheet.addRow(cells).commit();
    count++;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

/** The sample's regions and the share of the company's revenue target each is set. */
export const REGION_TARGET_SHARES: Record<string, number> = {
  华东: 0.26,
  华南: 0.22,
  华北: 0.2,
  西南: 0.16,
  华中: 0.16,
};

/**
 * A targets CSV as a sales team keeps one (config targets.path): the month's revenue, orders and units for the
 * company and revenue by region, set a little above what the sample sells at `ordersPerDay`.
 */
export async function writeSampleTargets(path: string, month: string, ordersPerDay: number): Promise<void> {
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  // About 1.08 orders a day per ordersPerDay over a week's pattern, ~¥1,150 and ~2.2 units each.
  const orders = Math.round((ordersPerDay * 1.08 * days * 1.05) / 100) * 100;
  const revenue = Math.round((orders * 1150) / 10_000) * 10_000;
  const units = Math.round((orders * 2.2) / 100) * 100;
  const rows = [
    'period,kpi,dimension,name,target',
    `${month},revenue,,,${revenue}`,
    `${month},orders,,,${orders}`,
    `${month},units,,,${units}`,
    ...Object.entries(REGION_TARGET_SHARES).map(
      ([region, share]) => `${month},revenue,region,${region},${Math.round((revenue * share) / 10_000) * 10_000}`,
    ),
  ];
  await writeFile(path, `${rows.join('\n')}\n`, 'utf8');
}
