import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { labelsFor } from '../../report/render/labels';
import { renderWorkbook } from '../../report/render/workbook';
import { targetsFor } from '../../sales/targets';
import { sampleReportWeek } from '../helpers/load';

/**
 * What a spreadsheet program reads from the file, read here by Python's zipfile and ElementTree (not by the library
 * that wrote it): each sheet's page setup, the print titles, and the number formats.
 */
const READ_BACK = `
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'}
z = zipfile.ZipFile(sys.argv[1])
shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
def text(c):
    if c.get('t') == 's': return shared[int(c.find('m:v', ns).text)]
    if c.get('t') == 'inlineStr': return ''.join(t.text or '' for t in c.iter('{%s}t' % ns['m']))
    v = c.find('m:v', ns)
    return v.text if v is not None else ''
wb = ET.fromstring(z.read('xl/workbook.xml'))
rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
target = {r.get('Id'): r.get('Target') for r in rels}
titles = {d.get('localSheetId'): d.text for d in wb.iter('{%s}definedName' % ns['m']) if d.get('name') == '_xlnm.Print_Titles'}
sheets = []
for i, s in enumerate(wb.find('m:sheets', ns)):
    xml = ET.fromstring(z.read('xl/' + target[s.get('{%s}id' % ns['r'])].lstrip('/').replace('xl/', '')))
    setup = xml.find('m:pageSetup', ns)
    fit = xml.find('m:sheetPr/m:pageSetUpPr', ns)
    sheets.append({'name': s.get('name'), 'orientation': setup.get('orientation'), 'fitToWidth': setup.get('fitToWidth'),
                   'fitToHeight': setup.get('fitToHeight'), 'fitToPage': fit is not None and fit.get('fitToPage') == '1',
                   'titles': titles.get(str(i)),
                   'widths': [float(c.get('width')) for c in xml.iter('{%s}col' % ns['m'])
                              for _ in range(int(c.get('min')), int(c.get('max')) + 1)],
                   'header': [text(c) for c in xml.find('m:sheetData', ns).find('m:row', ns)]})
styles = ET.fromstring(z.read('xl/styles.xml'))
formats = [f.get('formatCode') for f in styles.iter('{%s}numFmt' % ns['m'])]
print(json.dumps({'sheets': sheets, 'formats': formats}, ensure_ascii=False))
`;

describe('the workbook prints', () => {
  it('fits each sheet to the page width (wide ones across it), repeats the header row, and money carries its currency', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-print-'));
    const short = await sampleReportWeek({ days: 63, ordersPerDay: 20, seed: 2 }, { trendWeeks: 8 });
    // A year and a week with the month's targets: two more columns on the summary and breakdowns, a targets sheet.
    const year = await sampleReportWeek({ days: 371, ordersPerDay: 8, seed: 2 }, { trendWeeks: 8 });
    const full = {
      ...year,
      targets: targetsFor(year, [
        { period: '2026-11', kpi: 'revenue', target: 300_000 },
        { period: '2026-11', kpi: 'revenue', dimension: 'region', name: '华东', target: 60_000 },
      ]),
    };
    for (const [locale, symbol, m] of [
      ['zh-CN', '"¥"#,##0.00', short],
      ['en-US', '"CN¥"#,##0.00', short],
      ['zh-CN', '"¥"#,##0.00', full],
      ['en-US', '"CN¥"#,##0.00', full],
    ] as const) {
      const l = labelsFor(locale);
      const file = join(dir, `${locale}-${m.targets ? 'full' : 'short'}.xlsx`);
      await writeFile(file, await renderWorkbook(m, labelsFor(locale)));
      const read = spawnSync('python3', ['-c', READ_BACK, file], { encoding: 'utf8' });
      expect(read.status, read.stderr).toBe(0);
      const { sheets, formats } = JSON.parse(read.stdout) as {
        sheets: {
          name: string;
          orientation: string;
          fitToWidth: string;
          fitToHeight: string;
          fitToPage: boolean;
          titles: string;
          header: string[];
          widths: number[];
        }[];
        formats: string[];
      };
      expect(sheets.length).toBe(m.targets ? 8 : 7);
      const summary = sheets.find((x) => x.name === l.summary)!;
      const region = sheets.find((x) => x.name === l.region)!;
      if (m.targets) {
        expect(summary.header.at(-1)).toBe(l.yoy);
        expect(region.header.at(-1)).toBe(l.yoy);
        const targets = sheets.find((x) => x.name === l.targets)!;
        expect(targets.header).toHaveLength(8); // dimension, metric, target, month to date, attainment, gap, to date, pace
        expect(targets.orientation).toBe('landscape');
      } else {
        expect(summary.header).not.toContain(l.yoy);
      }
      for (const sheet of sheets) {
        expect(sheet, sheet.name).toMatchObject({ fitToPage: true, fitToWidth: '1', fitToHeight: '0' });
        expect(sheet.titles, sheet.name).toMatch(/!\$1:\$1$/);
        // No header cut by the next cell: each column at least as wide as its header (a CJK character takes two).
        sheet.header.forEach((h, i) =>
          expect(sheet.widths[i], `${sheet.name}: "${h}"`).toBeGreaterThanOrEqual(
            [...h].reduce((n, ch) => n + (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1), 0),
          ),
        );
      }
      // The tables with share and change columns print across the page, so those columns stay on it.
      expect(sheets.filter((s) => s.orientation === 'landscape').map((s) => s.name)).toEqual(
        expect.arrayContaining([l.region, l.topProducts(m.topProducts.length)]),
      );
      expect(formats).toContain(symbol);
    }
  });

  it("labels a split value's own targets as its own, not the company's", async () => {
    const year = await sampleReportWeek({ days: 371, ordersPerDay: 8, seed: 2 }, { trendWeeks: 8 });
    const m = { ...year, targets: targetsFor(year, [{ period: '2026-11', kpi: 'revenue', target: 60_000 }]) };
    const l = labelsFor('zh-CN');
    const firstColumn = async (xlsx: Buffer) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx as unknown as ArrayBuffer);
      return book.getWorksheet(l.targets)!.getColumn(1).values.slice(1, 3); // the header and the one row (the basis note follows the table)
    };
    expect(await firstColumn(await renderWorkbook(m, l, '区域周报 · 华东', '华东'))).toEqual([l.dimension, '华东']);
    expect(await firstColumn(await renderWorkbook(m, l))).toEqual([l.dimension, l.total]);
  });
});
