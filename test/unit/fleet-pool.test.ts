import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import {
  fallsBehind,
  freePlace,
  instanceForSlot,
  instancesWanted,
  instanceToDrain,
  roundOf,
} from '../../gpu/fleet-pool';

describe("a fleet's decisions (gpu/fleet-pool.ts)", () => {
  const sizing = { ordered: 3, added: 0, refused: 0, maxInstances: 4, remaining: 100, slotsPerInstance: 8 };

  it('runs what the order asks, plus what was added, less what refused, never past maxInstances', () => {
    expect(instancesWanted(sizing)).toBe(3);
    expect(instancesWanted({ ...sizing, added: 1 })).toBe(4);
    expect(instancesWanted({ ...sizing, added: 3 })).toBe(4);
    expect(instancesWanted({ ...sizing, refused: 1 })).toBe(2);
    // Without an order (no deadline): one instance, as a pool of one.
    expect(instancesWanted({ ...sizing, ordered: 1 })).toBe(1);
  });

  it('drains onto fewer as the reports left fit their slots, keeps one while any is left, none after', () => {
    expect(instancesWanted({ ...sizing, remaining: 17 })).toBe(3);
    expect(instancesWanted({ ...sizing, remaining: 16 })).toBe(2);
    expect(instancesWanted({ ...sizing, remaining: 1 })).toBe(1);
    expect(instancesWanted({ ...sizing, refused: 5, remaining: 50 })).toBe(1);
    expect(instancesWanted({ ...sizing, remaining: 0 })).toBe(0);
    // Slots unbounded: one instance takes every report.
    expect(instancesWanted({ ...sizing, slotsPerInstance: Infinity })).toBe(1);
  });

  it('falls behind when the reports left, at the rate measured, end after the deadline; not before a rate is measured', () => {
    // 20 written in 10 s of serving: 2 a second; 100 left need 50 s more; 30 s in of a 60 s deadline: late.
    const progress = {
      written: 20,
      servingSeconds: 10,
      remaining: 100,
      elapsedSeconds: 30,
      writtenAtSeconds: 30,
      dueInSeconds: 60,
      serving: 2,
      round: 2,
    };
    expect(fallsBehind(progress)).toBe(true);
    expect(fallsBehind({ ...progress, dueInSeconds: 80 })).toBe(false);
    expect(fallsBehind({ ...progress, written: 3 })).toBe(false); // fewer than a round (2) a serving instance
    expect(fallsBehind({ ...progress, servingSeconds: 0 })).toBe(false);
  });

  it('takes the rate once each instance has written a round of its slots, as of the last report written', () => {
    // Three instances of 64 slots, 250 s in: the first round is almost out, 60 reports written. Read as a rate, 0.24 a
    // second would need 3,900 s for the 940 left; the round, once out, shows 192 in 250 s and the deadline kept.
    const early = {
      written: 60,
      servingSeconds: 250,
      remaining: 940,
      elapsedSeconds: 280,
      writtenAtSeconds: 280,
      dueInSeconds: 1_530,
      serving: 3,
      round: roundOf(64),
    };
    expect(fallsBehind(early)).toBe(false);
    expect(fallsBehind({ ...early, round: 2 })).toBe(true); // as counted before the round
    expect(fallsBehind({ ...early, written: 192, remaining: 808 })).toBe(false);
    expect(fallsBehind({ ...early, written: 192, remaining: 808, dueInSeconds: 1_200 })).toBe(true);
    // Half-way through the second round (380 s in, 357 s of it with calls in flight), none of it out yet: as of now,
    // 192 in 357 s would finish at 380 + 808 ÷ 0.54 = 1,880 s, late; as of the last report written (250 s of calls,
    // 280 s in), at 280 + 808 ÷ 0.77 = 1,332 s, on time, as it is.
    const midRound = { ...early, written: 192, remaining: 808, elapsedSeconds: 380 };
    expect(fallsBehind({ ...midRound, servingSeconds: 357, writtenAtSeconds: 380 })).toBe(true);
    expect(fallsBehind(midRound)).toBe(false);
    // Once the time since the last report is past the due time, it is behind whatever the rate says.
    expect(fallsBehind({ ...midRound, elapsedSeconds: 1_600 })).toBe(true);
    expect(roundOf(1)).toBe(2);
    expect(roundOf(Infinity)).toBe(2);
  });

  it('gives a slot to the open instance with the most free, and drains the one with the fewest held', () => {
    const fleet = [
      { place: 0, holding: 3, open: true },
      { place: 1, holding: 1, open: true },
      { place: 2, holding: 0, open: false }, // still starting, or draining
    ];
    expect(instanceForSlot(fleet, 4)?.place).toBe(1);
    expect(instanceForSlot(fleet, 1)).toBeUndefined();
    expect(
      instanceForSlot(
        [
          { place: 0, holding: 1, open: true },
          { place: 1, holding: 1, open: true },
        ],
        4,
      )?.place,
    ).toBe(0);
    expect(instanceToDrain(fleet)?.place).toBe(2);
    expect(
      instanceToDrain([
        { place: 0, holding: 2, open: true },
        { place: 1, holding: 2, open: true },
      ])?.place,
    ).toBe(1);
  });

  it('starts a new instance at the lowest free place', () => {
    expect(freePlace([], 3)).toBe(0);
    expect(freePlace([0, 2], 3)).toBe(1);
    expect(freePlace([0, 1, 2], 3)).toBe(3);
  });

  it('a fleet is refused where the provider cannot start one, or has too few candidates, naming the keys', () => {
    expect(() =>
      parseConfig({
        gpu: { provider: 'static', static: { endpoint: 'http://10.0.0.5:8000' }, pool: { maxInstances: 2 } },
      }),
    ).toThrow(/\/gpu\/pool\/maxInstances: 2, but \/gpu\/provider "static" serves one endpoint it does not start/);
    const ec2 = { region: 'us-east-1', instanceIds: ['i-1', 'i-2'] };
    expect(() => parseConfig({ gpu: { provider: 'aws-ec2', awsEc2: ec2, pool: { maxInstances: 3 } } })).toThrow(
      /\/gpu\/pool\/maxInstances: 3, but \/gpu\/awsEc2\/instanceIds names 2: each instance of a fleet is one of them/,
    );
    expect(
      parseConfig({ gpu: { provider: 'aws-ec2', awsEc2: ec2, pool: { maxInstances: 2 } } }).gpu.pool.maxInstances,
    ).toBe(2);
    expect(parseConfig({}).gpu.pool.maxInstances).toBe(1);
  });
});
