import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelsFor } from '../../report/render/labels';
import { renderWorkbook } from '../../report/render/workbook';
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
                   'titles': titles.get(str(i))})
styles = ET.fromstring(z.read('xl/styles.xml'))
formats = [f.get('formatCode') for f in styles.iter('{%s}numFmt' % ns['m'])]
print(json.dumps({'sheets': sheets, 'formats': formats}, ensure_ascii=False))
`;

describe('the workbook prints', () => {
  it('fits each sheet to the page width (wide ones across it), repeats the header row, and money carries its currency', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-print-'));
    const m = await sampleReportWeek({ days: 63, ordersPerDay: 20, seed: 2 }, { trendWeeks: 8 });
    for (const [locale, symbol] of [
      ['zh-CN', '"¥"#,##0.00'],
      ['en-US', '"CN¥"#,##0.00'],
    ] as const) {
      const file = join(dir, `${locale}.xlsx`);
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
        }[];
        formats: string[];
      };
      expect(sheets.length).toBe(7);
      for (const sheet of sheets) {
        expect(sheet, sheet.name).toMatchObject({ fitToPage: true, fitToWidth: '1', fitToHeight: '0' });
        expect(sheet.titles, sheet.name).toMatch(/!\$1:\$1$/);
      }
      // The tables with share and change columns print across the page, so those columns stay on it.
      expect(sheets.filter((s) => s.orientation === 'landscape').map((s) => s.name)).toEqual(
        expect.arrayContaining([labelsFor(locale).region, labelsFor(locale).topProducts(m.topProducts.length)]),
      );
      expect(formats).toContain(symbol);
    }
  });
});
