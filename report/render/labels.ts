import type { Locale } from '../locale';
import type { AnyKpiKey } from '../../sales/metrics';
import type { PeriodKind } from '../../sales/dates';

/** The fixed words of the email and workbook, per locale. The LLM writes only the narrative. */
export interface Labels {
  locale: Locale;
  reportTitle: string;
  period: string;
  comparedWith: string;
  kpi: Record<AnyKpiKey, string>;
  metric: string;
  thisWeek: string;
  lastWeek: string;
  change: string;
  commentary: string;
  chartTitle: string;
  summary: string;
  highlights: string;
  risks: string;
  /** A daily flash's one list of both. */
  highlightsAndRisks: string;
  recommendations: string;
  action: string;
  rationale: string;
  priority: string;
  owner: string;
  priorities: Record<'high' | 'medium' | 'low', string>;
  breakdown: string;
  category: string;
  region: string;
  channel: string;
  share: string;
  /** The heading over the n products listed: the number is the one shown, not the most there could be. */
  topProducts: (n: number) => string;
  product: string;
  units: string;
  revenue: string;
  daily: string;
  date: string;
  dataQuality: string;
  /** The data-quality statement: the rows read cover more than the week (trend, year ago, month to date), so it says which. */
  skippedRows: (skipped: string, total: string, span: string) => string;
  allRowsRead: (total: string, span: string) => string;
  /** A split report's standing among the split's values: its section's title and columns. */
  standing: { title: string; among: string; rank: string; average: string; versus: string };
  /** Whom it is ranked among: "华东的 12 家门店", "All 40 stores". */
  rankedAmong: (field: string, n: number, region?: string) => string;
  rankText: (rank: number) => string;
  /** Words set aside after a sentence: "（高 · 采购）", " (High · Purchasing)". */
  aside: (text: string) => string;
  /** A daily flash's data-quality statement in one short line: the rows read and skipped, and what refunds mean. */
  rowsInShort: (skipped: string | undefined, total: string, refunds: boolean) => string;
  /** How refunds are counted: said in the data-quality statement and under the workbook's summary. */
  refundConvention: string;
  /** How many items of the written commentary were left out because they did not hold against the figures. */
  itemsLeftOut: (n: number) => string;
  /** When the data holds no refund line at all: returns are not in it, which is not the same as none. */
  noRefundsInData: string;
  /** Daily files that did not arrive (trend weeks only: in the report's weeks the run fails). */
  missingFiles: (names: string) => string;
  /** Formula cells with no saved value, read as typed: how many, and the first few ("sales.xlsx 订单!C7 =1+1 套装"). */
  unsavedFormulas: (n: string, cells: string) => string;
  topMovers: string;
  risers: string;
  fallers: string;
  delta: string;
  footer: string;
  /** The director's copy's one quiet line, linking to the report's archive page. */
  aboutThisReport: string;
  /** A chat card's button to the whole report (its archive page). */
  openReport: string;
  /** Said to the reader when the words come from the simulator, not a model. */
  simulatedNote: string;
  attachmentNote: string;
  allReports: string;
  /** The archive index: its trend's title, a run's email link, a date's folded runs, a row not sent. */
  weeklyRevenue: string;
  emailLink: string;
  otherRuns: (n: number) => string;
  notSent: string;
  trend: string;
  /** A trend week before the source's first order. */
  noData: string;
  /** The same under a trend bar: narrow, so on lines of its own where it is long. */
  noDataInChart: string;
  trendTitle: (weeks: number) => string;
  weekStart: string;
  weekEnd: string;
  /** The same week a year earlier: its column, and the change from it. */
  lastYear: string;
  yoy: string;
  /** When the source does not reach back a year: said once, where the 同比 column would be. */
  noYearAgo: (week: string) => string;
  /** A month to date's projection to the month's end, said as one, with how it is computed. */
  projection: (perDay: string, daysElapsed: number, projected: string, daysInMonth: number) => string;
  /** The current month's bar in the trend: not a whole month yet. */
  toDate: string;
  /** Targets: the workbook's sheet, its columns, and what they are measured on. */
  targets: string;
  target: string;
  /** "月目标" / "周目标": a target line's first words. */
  targetOf: (basis: 'week' | 'month') => string;
  actual: string;
  monthToDate: string;
  attainment: string;
  gap: string;
  /** Said instead of the gap when the figure is past its target. */
  overTarget: string;
  /** A monthly target: the pro-rata target to date and the pace against it. */
  expectedToDate: string;
  pace: string;
  dimension: string;
  total: string;
  targetBasis: (basis: 'week' | 'month', range: string, through: string, elapsed: number, days: number) => string;
}

/** How a split's values are counted: "12 家门店", "40 stores". */
const FIELD_ZH: Record<string, string> = {
  store: '家门店',
  region: '个地区',
  manager: '位负责人',
  channel: '个渠道',
  category: '个品类',
};
const FIELD_EN: Record<string, string> = {
  store: 'stores',
  region: 'regions',
  manager: 'managers',
  category: 'categories',
};

/** The data-quality lines on the rows read, naming the report's own period: rows outside it serve the comparisons. */
function zhRowsRead(period: string): Pick<Labels, 'skippedRows' | 'allRowsRead'> {
  return {
    skippedRows: (s, t, span) =>
      `读取了 ${span} 的 ${t} 行数据（${period}之外的行用于趋势、同比和本月累计），其中 ${s} 行无法读取，已跳过。`,
    allRowsRead: (t, span) => `${span} 的全部 ${t} 行数据（${period}之外的行用于趋势、同比和本月累计）均已读取。`,
  };
}

function enRowsRead(period: string): Pick<Labels, 'skippedRows' | 'allRowsRead'> {
  return {
    skippedRows: (s, t, span) =>
      `Of the ${t} rows read for ${span} (rows outside ${period} serve the trend, the year over year and the month to date), ${s} could not be read and were skipped.`,
    allRowsRead: (t, span) =>
      `All ${t} rows for ${span} (rows outside ${period} serve the trend, the year over year and the month to date) were read.`,
  };
}

const zh: Labels = {
  locale: 'zh-CN',
  reportTitle: '销售周报',
  period: '统计周期',
  comparedWith: '对比',
  kpi: {
    revenue: '销售额',
    orders: '订单数',
    units: '销量',
    averageOrderValue: '客单价',
    refunds: '退款金额',
    refundLines: '退款笔数',
    returnRate: '退货率',
  },
  metric: '指标',
  thisWeek: '本周',
  lastWeek: '上周',
  change: '环比',
  commentary: '解读',
  chartTitle: '每日销售额',
  summary: '概要',
  highlights: '亮点',
  risks: '风险',
  highlightsAndRisks: '亮点与风险',
  recommendations: '建议',
  action: '行动',
  rationale: '理由',
  priority: '优先级',
  owner: '负责人',
  priorities: { high: '高', medium: '中', low: '低' },
  breakdown: '分类明细',
  category: '品类',
  region: '地区',
  channel: '渠道',
  share: '占比',
  topProducts: (n) => `热销商品 Top ${n}`,
  product: '商品',
  units: '销量',
  revenue: '销售额',
  daily: '每日',
  date: '日期',
  dataQuality: '数据质量',
  ...zhRowsRead('本周'),
  aside: (text) => `（${text}）`,
  standing: { title: '排名', among: '排名范围', rank: '名次', average: '平均销售额', versus: '对比平均' },
  rankedAmong: (field, n, region) =>
    `${region === undefined ? '全部' : `${region}的`} ${n} ${FIELD_ZH[field] ?? `个${field}`}`,
  rankText: (rank) => `第 ${rank}`,
  rowsInShort: (s, t, refunds) =>
    `读取 ${t} 行${s === undefined ? '，全部可读' : `，${s} 行无法读取已跳过`}；${refunds ? '退款计入发生当日' : '数据中没有退款行，销售额未扣除退款'}。`,
  refundConvention: '退款计入退款发生的那一周（按退款行的日期），不冲减原订单所在的周。',
  itemsLeftOut: (n) => `模型撰写的文字解读中有 ${n} 条与系统计算的数据不符，已删去；其余文字均已核对。`,
  noRefundsInData: '数据中没有任何退款行（导出可能不含退款），因此不报告退款与退货率；销售额未扣除退款。',
  missingFiles: (n) => `以下日期的数据文件没有送达，趋势中对应周的数值缺少这些天：${n}。`,
  unsavedFormulas: (n, cells) =>
    `有 ${n} 个公式单元格没有保存计算结果（保存文件的工具未计算公式），已按输入的文字读取：${cells}。`,
  topMovers: '涨跌最大的商品',
  allReports: '历史周报',
  weeklyRevenue: '每周销售额',
  emailLink: '报告',
  otherRuns: (n) => `另有 ${n} 次运行`,
  notSent: '未发送',
  trend: '趋势',
  noData: '无数据',
  noDataInChart: '无数据',
  trendTitle: (n) => `近${n}周销售额`,
  weekStart: '周起始',
  weekEnd: '周结束',
  lastYear: '去年同期',
  yoy: '同比',
  noYearAgo: (w) => `数据未覆盖去年同期（${w}），本期不做同比。`,
  projection: (perDay, elapsed, projected, days) =>
    `按本月至今日均 ${perDay}（已过 ${elapsed} 天）推算，月底销售额约 ${projected}。这是预测：本月累计 ÷ 已过天数 × 本月 ${days} 天，未计剩余日子的周末与节假日差异。`,
  toDate: '至今',
  targets: '目标达成',
  target: '目标',
  targetOf: (basis) => (basis === 'month' ? '月目标' : '周目标'),
  actual: '实际',
  monthToDate: '本月累计',
  attainment: '达成率',
  gap: '差距',
  overTarget: '超出',
  dimension: '维度',
  total: '全公司',
  expectedToDate: '时间进度目标',
  pace: '进度',
  targetBasis: (basis, range, through, elapsed, days) =>
    basis === 'month'
      ? `月度目标（${range}），按本月累计至 ${through} 计算；已过 ${elapsed}/${days} 天，进度为实际与按天数折算目标之比。`
      : `本周目标（${range}）。`,
  risers: '上涨',
  fallers: '下跌',
  delta: '变化额',
  footer: '运行信息',
  aboutThisReport: '关于本报告',
  openReport: '查看完整报告',
  simulatedNote: '模拟文本（非模型生成）',
  attachmentNote: '明细数据见附件 Excel。',
};

const en: Labels = {
  locale: 'en-US',
  reportTitle: 'Weekly sales report',
  period: 'Period',
  comparedWith: 'compared with',
  kpi: {
    revenue: 'Revenue',
    orders: 'Orders',
    units: 'Units',
    averageOrderValue: 'Average order value',
    refunds: 'Refunds',
    refundLines: 'Refund lines',
    returnRate: 'Return rate',
  },
  metric: 'Metric',
  thisWeek: 'This week',
  lastWeek: 'Last week',
  change: 'Change',
  commentary: 'Commentary',
  chartTitle: 'Revenue by day',
  summary: 'Summary',
  highlights: 'Highlights',
  risks: 'Risks',
  highlightsAndRisks: 'Highlights and risks',
  recommendations: 'Recommendations',
  action: 'Action',
  rationale: 'Rationale',
  priority: 'Priority',
  owner: 'Owner',
  priorities: { high: 'High', medium: 'Medium', low: 'Low' },
  breakdown: 'Breakdown',
  category: 'Category',
  region: 'Region',
  channel: 'Channel',
  share: 'Share',
  topProducts: (n) => `Top ${n} products`,
  product: 'Product',
  units: 'Units',
  revenue: 'Revenue',
  daily: 'Daily',
  date: 'Date',
  dataQuality: 'Data quality',
  ...enRowsRead('the week'),
  aside: (text) => ` (${text})`,
  standing: { title: 'Standing', among: 'Among', rank: 'Rank', average: 'Average revenue', versus: 'vs average' },
  rankedAmong: (field, n, region) =>
    `${region === undefined ? 'All ' : ''}${n} ${n === 1 ? field : (FIELD_EN[field] ?? `${field}s`)}${region === undefined ? '' : ` in ${region}`}`,
  rankText: (rank) => `#${rank}`,
  rowsInShort: (s, t, refunds) =>
    `${t} rows read${s === undefined ? ', all readable' : `, ${s} unreadable and skipped`}; ${refunds ? 'refunds count on the day they happen' : 'no refund lines in the data, so revenue is before refunds'}.`,
  refundConvention: "Refunds count in the week they happen (by the refund line's date), not in the week of the sale.",
  itemsLeftOut: (n) =>
    `${n} ${n === 1 ? 'point' : 'points'} of the written commentary did not match the computed figures and ${n === 1 ? 'was' : 'were'} left out; the rest was checked.`,
  noRefundsInData:
    'The data holds no refund lines at all (the export may leave them out), so refunds and the return rate are not reported and revenue is before any refunds.',
  missingFiles: (n) => `These days' files did not arrive, so their weeks in the trend lack them: ${n}.`,
  unsavedFormulas: (n, cells) =>
    `${n} formula ${n === '1' ? 'cell has' : 'cells have'} no saved value (the tool that saved the file did not compute ${n === '1' ? 'it' : 'them'}) and ${n === '1' ? 'was' : 'were'} read as typed: ${cells}.`,
  topMovers: 'Biggest movers',
  allReports: 'All reports',
  weeklyRevenue: 'Revenue by week',
  emailLink: 'Report',
  otherRuns: (n) => `${n} other run${n === 1 ? '' : 's'}`,
  notSent: 'not sent',
  trend: 'Trend',
  noData: 'no data',
  noDataInChart: 'no\ndata',
  trendTitle: (n) => `Revenue, last ${n} weeks`,
  weekStart: 'Week from',
  weekEnd: 'Week to',
  lastYear: 'Same week last year',
  yoy: 'YoY',
  noYearAgo: (w) =>
    `The data does not reach back to the same week last year (${w}), so there is no year-over-year comparison.`,
  projection: (perDay, elapsed, projected, days) =>
    `At this month's pace of ${perDay} a day (${elapsed} days gone), the month would end near ${projected}. A projection: the month to date ÷ the days gone × the ${days} days of the month, blind to the weekends and holidays still ahead.`,
  toDate: 'to date',
  targets: 'Against target',
  target: 'Target',
  targetOf: (basis) => (basis === 'month' ? 'Monthly target' : 'Weekly target'),
  actual: 'Actual',
  monthToDate: 'month to date',
  attainment: 'attainment',
  gap: 'gap',
  overTarget: 'over by',
  dimension: 'Dimension',
  total: 'Company',
  expectedToDate: 'target to date',
  pace: 'pace',
  targetBasis: (basis, range, through, elapsed, days) =>
    basis === 'month'
      ? `Monthly targets (${range}), measured on the month to date through ${through}; ${elapsed} of ${days} days gone, pace is actual against the target pro rata.`
      : `Targets for this week (${range}).`,
  risers: 'Up',
  fallers: 'Down',
  delta: 'Change',
  footer: 'Run details',
  aboutThisReport: 'About this report',
  openReport: 'Open the full report',
  simulatedNote: 'simulated text (not written by a model)',
  attachmentNote: 'The attached workbook has the full breakdown.',
};

/** The words that name the period: a daily flash says 昨日 / 上周同日 where the weekly report says 本周 / 上周. */
type PeriodWords = Pick<
  Labels,
  | 'reportTitle'
  | 'thisWeek'
  | 'lastWeek'
  | 'trendTitle'
  | 'weekStart'
  | 'weekEnd'
  | 'weeklyRevenue'
  | 'lastYear'
  | 'noYearAgo'
  | 'skippedRows'
  | 'allRowsRead'
>;

const PERIOD_WORDS: Record<Locale, Record<Exclude<PeriodKind, 'week'>, PeriodWords>> = {
  'zh-CN': {
    day: {
      reportTitle: '销售日报',
      thisWeek: '昨日',
      lastWeek: '上周同日',
      trendTitle: (n) => `近${n}日销售额`,
      weekStart: '日期',
      weekEnd: '日期',
      weeklyRevenue: '每日销售额',
      lastYear: '去年同日',
      noYearAgo: (w) => `数据未覆盖去年同日（${w}），本期不做同比。`,
      ...zhRowsRead('昨日'),
    },
    month: {
      reportTitle: '月度销售报告',
      thisWeek: '本月',
      lastWeek: '上月同期',
      trendTitle: (n) => `近${n}个月销售额`,
      weekStart: '月起始',
      weekEnd: '月截至',
      weeklyRevenue: '每月销售额',
      lastYear: '去年同期',
      noYearAgo: (w) => `数据未覆盖去年同期（${w}），本期不做同比。`,
      ...zhRowsRead('本月'),
    },
  },
  'en-US': {
    day: {
      reportTitle: 'Daily sales flash',
      thisWeek: 'Yesterday',
      lastWeek: 'Same day last week',
      trendTitle: (n) => `Revenue, last ${n} days`,
      weekStart: 'Day',
      weekEnd: 'Day',
      weeklyRevenue: 'Revenue by day',
      lastYear: 'Same day last year',
      noYearAgo: (w) => `No year-over-year: the data does not reach back to ${w}.`,
      ...enRowsRead('the day'),
    },
    month: {
      reportTitle: 'Monthly sales report',
      thisWeek: 'This month',
      lastWeek: 'Last month, same days',
      trendTitle: (n) => `Revenue, last ${n} months`,
      weekStart: 'Month from',
      weekEnd: 'Month to',
      weeklyRevenue: 'Revenue by month',
      lastYear: 'Same days last year',
      noYearAgo: (w) =>
        `The data does not reach back to the same days last year (${w}), so there is no year-over-year comparison.`,
      ...enRowsRead('the month'),
    },
  },
};

/** The words of a report in `locale` about a `period` (default: the week). */
export function labelsFor(locale: Locale, period: PeriodKind = 'week'): Labels {
  const base = locale === 'zh-CN' ? zh : en;
  return period === 'week' ? base : { ...base, ...PERIOD_WORDS[locale][period] };
}

/** The report's title: the configured one, or, left at its default, the reader's language's name for the report. */
export function reportTitleOf(configured: string, l: Labels): string {
  return configured === 'Weekly sales report' ? l.reportTitle : configured;
}
