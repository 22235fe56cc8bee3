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
});
