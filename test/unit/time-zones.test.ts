import { describe, expect, it } from 'vitest';
import { reportDatesOwed } from '../../report/definitions';
import {
  dateInZone,
  formatInZone,
  instantAtWallClock,
  reportWindows,
  startOfDayInZone,
  wallClockInZone,
} from '../../sales/dates';

/**
 * Day starts and fire times on the days a zone changes its clocks, both ways, in zones that have DST, and in
 * Asia/Shanghai, which has none (where nothing of this was ever seen).
 */
describe('time zones across DST', () => {
  it.each([
    // Santiago springs forward at 00:00 → 01:00: the day starts at 01:00 local, not 23:00 the day before.
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00.000Z'],
    // Santiago falls back at midnight to 23:00: the hour before it repeats, and the day starts at its one midnight.
    ['America/Santiago', '2026-04-05', '2026-04-05T04:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z'],
    ['Asia/Shanghai', '2026-03-29', '2026-03-28T16:00:00.000Z'],
  ])('%s: %s starts at %s, an instant dated that day there', (zone, date, start) => {
    const instant = startOfDayInZone(date, zone);
    expect(instant.toISOString()).toBe(start);
    expect(dateInZone(instant, zone)).toBe(date);
    // A second earlier is the day before: nothing of the day is lost, nothing of the day before taken.
    expect(dateInZone(new Date(instant.getTime() - 1000), zone)).not.toBe(date);
  });

  it.each([
    ['Europe/Berlin', '2026-03-29', '2026-03-29T07:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '2026-10-25T08:00:00.000Z'],
    ['America/Santiago', '2026-09-06', '2026-09-06T12:00:00.000Z'],
    ['America/Santiago', '2026-04-05', '2026-04-05T13:00:00.000Z'],
    ['America/New_York', '2026-03-08', '2026-03-08T13:00:00.000Z'],
    ['Asia/Shanghai', '2026-03-29', '2026-03-29T01:00:00.000Z'],
  ])('%s: a 09:00 fire on %s is at 09:00 on the wall (%s)', (zone, date, at) => {
    const fire = instantAtWallClock(date, 9, 0, zone);
    expect(fire.toISOString()).toBe(at);
    expect(formatInZone(fire, zone)).toBe(`${date} 09:00`);
    expect(wallClockInZone(fire, zone)).toMatchObject({ hour: 9, minute: 0 });
  });

  it('a time the spring-forward night skips is taken after the change; a repeated one at its first occurrence', () => {
    expect(formatInZone(instantAtWallClock('2026-03-29', 2, 30, 'Europe/Berlin'), 'Europe/Berlin')).toBe(
      '2026-03-29 03:30',
    );
    expect(instantAtWallClock('2026-10-25', 2, 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it("the wall clock's offset is the zone's on each side of a change", () => {
    expect(wallClockInZone(new Date('2026-03-29T00:59:59Z'), 'Europe/Berlin').offsetMs).toBe(3_600_000);
    expect(wallClockInZone(new Date('2026-03-29T01:00:00Z'), 'Europe/Berlin').offsetMs).toBe(7_200_000);
  });

  it('a report is owed only once its 09:00 has passed on the wall, on a DST morning too', () => {
    const span = (v: number) => [{ start: v, end: v, step: 1 }];
    const all = (start: number, end: number) => [{ start, end, step: 1 }];
    const nine = { second: span(0), minute: span(0), hour: span(9), dayOfMonth: all(1, 31), month: all(1, 12) };
    const berlin = { calendars: [{ ...nine, year: [], dayOfWeek: all(0, 6) }], timezone: 'Europe/Berlin' };
    // 09:30 Berlin summer time on the spring-forward day is 07:30 UTC: the day's report is owed.
    expect(reportDatesOwed(berlin, 'Europe/Berlin', new Date('2026-03-29T07:30:00Z'), 1)).toEqual(['2026-03-29']);
    // 08:30 on the wall (06:30 UTC), after midnight plus nine elapsed hours would have said 09:30: not yet owed.
    expect(reportDatesOwed(berlin, 'Europe/Berlin', new Date('2026-03-29T06:30:00Z'), 1)).toEqual([]);
  });

  it('day, week and month windows are calendar dates, the same in every zone', () => {
    const w = reportWindows('2026-03-30', 'week');
    expect(w.current).toEqual({ start: '2026-03-23', end: '2026-03-29' });
    expect(reportWindows('2026-03-30', 'day').current).toEqual({ start: '2026-03-29', end: '2026-03-29' });
    expect(reportWindows('2026-04-01', 'month').current).toEqual({ start: '2026-03-01', end: '2026-03-31' });
  });
});
