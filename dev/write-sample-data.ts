import { mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, dateInZone, isIsoDate } from '../sales/dates';
import { writeSampleCsv, writeSampleXlsx } from './sample-data';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'out/demo/sales.xlsx' },
    'end-date': { type: 'string' },
    days: { type: 'string', default: '35' },
    'orders-per-day': { type: 'string', default: '120' },
    seed: { type: 'string', default: '42' },
    'bad-per-thousand': { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run sample-data -- [--out file.xlsx|file.csv] [--end-date YYYY-MM-DD] [--days N]
  [--orders-per-day N] [--seed N] [--bad-per-thousand N]
Writes seeded, realistic order lines (Chinese headers) ending yesterday (Asia/Shanghai) by default.`);
  process.exit(0);
}

const endDate = values['end-date'] ?? addDays(dateInZone(new Date(), 'Asia/Shanghai'), -1);
if (!isIsoDate(endDate)) {
  console.error(`--end-date: "${endDate}" is not a YYYY-MM-DD date`);
  process.exit(2);
}
const options = {
  endDate,
  days: Number(values.days),
  ordersPerDay: Number(values['orders-per-day']),
  seed: Number(values.seed),
  badRowsPerThousand: Number(values['bad-per-thousand']),
};
const out = values.out;
mkdirSync(dirname(out), { recursive: true });
const write = extname(out).toLowerCase() === '.csv' ? writeSampleCsv : writeSampleXlsx;
void write(out, options).then((rows) => console.log(`${out}: ${rows} rows, ${options.days} days ending ${endDate}`));
