import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectText } from '../../config/child-output';
import { CommandProvider } from '../../gpu/providers/command';
import { loadSalesViewsInChild } from '../../sales/load-process';
import { loadOptions } from '../helpers/load';

/** A Chinese name for each number, one of its own (distinct characters as digits): a store as a shop names it. */
const HAN = '金额华东北南西门店旗舰商场专柜食品家居服饰数码';
function chineseName(i: number): string {
  let name = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / HAN.length)) name += HAN[n % HAN.length];
  return `${name}店`;
}

/** A child that writes `text` in writes of `chunkBytes` (a multi-byte character cut across them), then exits. */
function childWriting(text: string, chunkBytes: number) {
  const script = `const b = Buffer.from(require('fs').readFileSync(0, 'utf8'));
    let i = 0; const next = () => { if (i >= b.length) return; const end = Math.min(b.length, i + ${chunkBytes});
    process.stdout.write(b.subarray(i, end), next); i = end; }; next();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(text);
  return child;
}

describe("a child's output is decoded once, whole: multi-byte names across chunk boundaries", () => {
  it.each([4_097, 65_535, 65_536, 65_537])(
    '2 MB of Chinese names in writes of %i bytes arrive intact',
    async (size) => {
      const text = Array.from({ length: 200_000 }, (_, i) => chineseName(i)).join(',');
      expect(Buffer.byteLength(text)).toBeGreaterThan(2_000_000);
      const child = childWriting(text, size);
      const naive: string[] = [];
      child.stdout.on('data', (d: Buffer) => naive.push(d.toString()));
      const collected = collectText(child.stdout);
      await new Promise((resolve) => child.once('close', resolve));
      expect(collected()).toBe(text);
      // Not vacuous: the pipe did cut characters, and decoding chunk by chunk would have damaged them.
      expect(naive.join('')).toContain('\uFFFD');
    },
  );

  it('the loader process answers 1,500 stores with Chinese names, each intact, in an answer of megabytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-cjk-'));
    const path = join(dir, 'stores.csv');
    const stores = Array.from({ length: 1_500 }, (_, i) => chineseName(i * 7));
    const lines = ['订单号,订单日期,商品,品类,地区,渠道,门店,数量,金额'];
    stores.forEach((store, i) => {
      for (const [day, d] of [
        ['2026-11-18', 0],
        ['2026-11-12', 1],
      ] as const)
        lines.push(`O${i}-${d},${day},${chineseName(i)}礼盒,食品,华东,门店,${store},2,${(100 + i).toFixed(2)}`);
    });
    await writeFile(path, `${lines.join('\n')}\n`);
    const views = await loadSalesViewsInChild(loadOptions(path, { slicing: { split: 'store' } }), 256);
    const answer = JSON.stringify(views);
    expect(Buffer.byteLength(answer)).toBeGreaterThan(2_000_000);
    expect(answer).not.toContain('\uFFFD');
    const slices = Object.values(views)[0]!;
    // Every store under its own name, with its own figures: none lost, none renamed.
    expect(
      Object.keys(slices)
        .filter((k) => k !== '')
        .sort(),
    ).toEqual([...stores].sort());
    for (const [i, store] of stores.entries())
      expect(slices[store]!.kpis.revenue.current, store).toBeCloseTo(100 + i, 2);
  });

  it("the command provider reads a cloud CLI's Chinese states whole, however long its JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-cjk-cmd-'));
    // The state 运行中 starts 21 bytes after the padding: these paddings put the pipe's first 64 KiB read inside it.
    for (const pad of [65_513, 65_514, 65_516, 65_517, 65_519]) {
      const status = join(dir, `status-${pad}.json`);
      await writeFile(status, JSON.stringify({ note: 'x'.repeat(pad), Status: '运行中', Ip: '127.0.0.1' }));
      const provider = new CommandProvider({
        start: `echo '{"instanceId":"i-1"}'`,
        stop: 'true',
        status: `cat ${status}`,
        stateField: 'Status',
        runningStates: ['运行中'],
        stoppedStates: ['已停止'],
        endpoint: 'http://${Ip}:8000',
        commandTimeoutSeconds: 10,
        stateTimeoutSeconds: 2,
        pollIntervalSeconds: 0.05,
        model: 'm',
      });
      expect(await provider.start('owner', async () => {})).toEqual({
        instanceId: 'i-1',
        endpoint: 'http://127.0.0.1:8000',
      });
    }
  });
});
