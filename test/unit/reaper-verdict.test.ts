import { describe, expect, it } from 'vitest';
import { reaperVerdict, type HolderRun } from '../../gpu/reaper-verdict';

const limits = { idleGraceSeconds: 120, maxUptimeSeconds: 3600 };
const started = new Date('2026-12-08T01:00:00Z');
const at = (seconds: number) => new Date(started.getTime() + seconds * 1000);

describe('the reaper verdict', () => {
  it('stops an instance up past the hard limit without asking about its run', async () => {
    let asked = false;
    const holder = async (): Promise<HolderRun> => {
      asked = true;
      return { running: true };
    };
    expect(await reaperVerdict(started, holder, limits, at(3601))).toEqual({
      stop: true,
      reason: 'up 3601s, over the 3600s limit',
    });
    expect(asked).toBe(false);
  });

  it('keeps an instance whose run still goes', async () => {
    expect(await reaperVerdict(started, async () => ({ running: true }), limits, at(600))).toEqual({
      stop: false,
      reason: 'its run is still going',
    });
  });

  it('keeps one whose run ended within the grace, and stops it after', async () => {
    const ended = { running: false, closedAt: at(500) };
    expect(await reaperVerdict(started, async () => ended, limits, at(560))).toEqual({
      stop: false,
      reason: 'its run ended 60s ago; within the grace',
    });
    expect(await reaperVerdict(started, async () => ended, limits, at(621))).toEqual({
      stop: true,
      reason: 'its run ended at 2026-12-08T01:08:20.000Z without stopping it',
    });
  });

  it('counts the grace from the start request when the run never existed', async () => {
    const none = { running: false };
    expect((await reaperVerdict(started, async () => none, limits, at(100))).stop).toBe(false);
    expect(await reaperVerdict(started, async () => none, limits, at(121))).toEqual({
      stop: true,
      reason: 'its run does not exist',
    });
  });
});
