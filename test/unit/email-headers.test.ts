import { describe, expect, it } from 'vitest';
import { rfc2822Date } from '../../email/headers';

describe("the Date header on the reader's clock", () => {
  it('writes the report time zone and its offset, across day and year boundaries', () => {
    const instant = new Date('2026-11-20T01:00:05Z');
    expect(rfc2822Date(instant, 'Asia/Shanghai')).toBe('Fri, 20 Nov 2026 09:00:05 +0800');
    expect(rfc2822Date(instant, 'America/New_York')).toBe('Thu, 19 Nov 2026 20:00:05 -0500');
    expect(rfc2822Date(new Date('2026-12-31T20:30:00Z'), 'Asia/Kolkata')).toBe('Fri, 1 Jan 2027 02:00:00 +0530');
    expect(rfc2822Date(new Date('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe('Wed, 1 Jul 2026 14:00:00 +0200');
  });
});
