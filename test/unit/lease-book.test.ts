import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LeaseBook, leaseRecords } from '../../gpu/leases';
import { LocalStore } from '../../store/local-store';

describe('the lease book', () => {
  it("finds a release's possible overlaps among the leases of its days, not among every lease there ever was", async () => {
    const store = new LocalStore(await mkdtemp(join(tmpdir(), 'sales-report-leases-')));
    const book = new LeaseBook(store);
    const lease = (holder: string, acquiredAt: string, poolId = 'pool') => ({ poolId, holder, acquiredAt });
    await book.put(lease('last-month', '2026-10-30T01:00:00Z'));
    await book.put(lease('yesterday-late', '2026-11-29T23:50:00Z'));
    await book.put(lease('this-morning', '2026-11-30T01:00:00Z'));
    await book.put(lease('other-pool', '2026-11-30T01:00:00Z', 'another'));
    const found = await book.mayOverlap('pool', '2026-11-30T01:00:00Z', '2026-11-30T01:05:00Z');
    expect(found.map((l) => l.holder).sort()).toEqual(['this-morning', 'yesterday-late']);
    // Still found by holder (audit, cost), with what a release wrote.
    await book.put({
      ...lease('this-morning', '2026-11-30T01:00:00Z'),
      releasedAt: '2026-11-30T01:05:00Z',
      shareSeconds: 150,
    });
    expect((await book.get('this-morning'))?.shareSeconds).toBe(150);
    expect((await leaseRecords(store).all()).map((l) => l.holder).sort()).toEqual([
      'last-month',
      'other-pool',
      'this-morning',
      'yesterday-late',
    ]);
    expect(
      (await book.mayOverlap('pool', '2026-11-30T01:00:00Z', '2026-11-30T01:05:00Z')).find(
        (l) => l.holder === 'this-morning',
      )?.shareSeconds,
    ).toBe(150);
  });

  it('lists open leases by name and reads each closed one once, however many releases ask', async () => {
    const local = new LocalStore(await mkdtemp(join(tmpdir(), 'sales-report-leases-')));
    const reads: string[] = [];
    const store = {
      ...local,
      locate: local.locate.bind(local),
      put: local.put.bind(local),
      create: local.create.bind(local),
      list: local.list.bind(local),
      get: (key: string) => (reads.push(key), local.get(key)),
    };
    const book = new LeaseBook(store);
    const at = (minute: number) => `2026-11-30T01:${String(minute).padStart(2, '0')}:00.000Z`;
    for (let i = 0; i < 50; i++) await book.put({ poolId: 'pool', holder: `run-${i}`, acquiredAt: at(i % 60) });
    // A lease filed straight in its day's folder (before open and closed were told apart) is still read.
    await local.put(
      'gpu/lease-days/pool/2026-11-30/legacy.json',
      JSON.stringify({ poolId: 'pool', holder: 'legacy', acquiredAt: at(0), releasedAt: at(1), shareSeconds: 30 }),
    );
    const open = await book.mayOverlap('pool', at(0), at(59));
    expect(open).toHaveLength(51);
    expect(open.find((l) => l.holder === 'run-7')).toEqual({ poolId: 'pool', holder: 'run-7', acquiredAt: at(7) });
    expect(reads).toEqual(['gpu/lease-days/pool/2026-11-30/legacy.json']);
    // Forty releases, each asking for the others: every closed record is read once.
    reads.length = 0;
    for (let i = 0; i < 40; i++) {
      await book.put({
        poolId: 'pool',
        holder: `run-${i}`,
        acquiredAt: at(i % 60),
        releasedAt: at(59),
        shareSeconds: i,
      });
      await book.mayOverlap('pool', at(0), at(59));
    }
    expect(reads.filter((k) => k.includes('/closed/'))).toHaveLength(40);
    const last = await book.mayOverlap('pool', at(0), at(59));
    expect(last.filter((l) => l.releasedAt !== undefined)).toHaveLength(41);
    expect(last.find((l) => l.holder === 'run-39')?.shareSeconds).toBe(39);
    expect(last.find((l) => l.holder === 'run-45')?.releasedAt).toBeUndefined();
  });
});
