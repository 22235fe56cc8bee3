import { describe, expect, it } from 'vitest';
import { writeDocument } from '../../dev/simulator/report-writer';
import { renderEmailHtml, renderEmailText } from '../../report/render/email-content';
import { labelsFor } from '../../report/render/labels';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { sampleReportWeek } from '../helpers/load';
import { testFooter } from '../helpers/email';

describe("the model's KPI sentences", () => {
  it('are shown when they add something, and left out when they only say what the row prints', async () => {
    const m = await sampleReportWeek({ days: 21, ordersPerDay: 20, seed: 4 });
    const pct = (r: number | null) => `${((r ?? 0) * 100).toFixed(1)}%`;
    const cases = [
      {
        locale: 'zh-CN' as const,
        kpiCommentary: {
          revenue: `销售额环比增长${pct(m.kpis.revenue.changeRatio)}。`,
          orders: `订单数较上周${pct(m.kpis.orders.changeRatio)}，达到${m.kpis.orders.current}单。`,
          units: '销量增长主要来自华东的新客户。',
          averageOrderValue: '客单价回落，大件家电促销结束后订单变小。',
        },
        shown: ['销量增长主要来自华东的新客户。', '客单价回落，大件家电促销结束后订单变小。'],
      },
      {
        locale: 'en-US' as const,
        kpiCommentary: {
          revenue: `Revenue up ${pct(m.kpis.revenue.changeRatio)} week over week.`,
          orders: `Orders were ${m.kpis.orders.current}, compared with ${m.kpis.orders.previous} last week.`,
          units: 'Units grew on the back of the Double 11 campaign.',
          averageOrderValue: 'Smaller baskets once the appliance promotion ended.',
        },
        shown: [
          'Units grew on the back of the Double 11 campaign.',
          'Smaller baskets once the appliance promotion ended.',
        ],
      },
    ];
    for (const c of cases) {
      const labels = labelsFor(c.locale);
      const report = {
        ...(writeDocument(narrativeSchema, m, c.locale === 'zh-CN' ? 'zh' : 'en') as Narrative),
        kpiCommentary: c.kpiCommentary,
      };
      const content = {
        metrics: m,
        report,
        labels,
        title: labels.reportTitle,
        chartSrc: 'cid:chart',
        copy: 'reader' as const,
        footer: testFooter(false),
      };
      for (const body of [renderEmailHtml(content), renderEmailText(content)]) {
        for (const sentence of c.shown) expect(body, c.locale).toContain(sentence);
        expect(body).not.toContain(c.kpiCommentary.revenue);
        expect(body).not.toContain(c.kpiCommentary.orders);
      }
    }
  });
});
