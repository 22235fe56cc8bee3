/**
 * The decisions of a fleet (a pool of more than one instance, workflows/gpu-fleet.ts), as pure functions: how many
 * instances to run now, whether the reports fall behind the morning's order, which instance takes the next slot and
 * which one drains. Pure, so the workflow may call them and the tests need no server.
 */

/** What a fleet knows when it sizes itself. */
export interface FleetSizing {
  /** Instances the morning's order asks for (1 without an order). */
  ordered: number;
  /** Instances added because the reports fell behind the order. */
  added: number;
  /** Instances that failed to start: the plan is re-made with what started. */
  refused: number;
  /** gpu.pool.maxInstances */
  maxInstances: number;
  /** Reports that still need the model: runs holding a lease, and those of the order not yet seen. */
  remaining: number;
  /** llm.maxConcurrentRequests: slots on each instance. */
  slotsPerInstance: number;
}

/**
 * The instances to run now: the order (plus what was added, less what refused), never more than the reports left
 * fill with slots (the last batch drains onto fewer instances), at least one while any report needs the model.
 */
export function instancesWanted(s: FleetSizing): number {
  if (s.remaining <= 0) return 0;
  const planned = Math.min(s.maxInstances, Math.max(1, s.ordered) + s.added - s.refused);
  const byWork = Number.isFinite(s.slotsPerInstance) ? Math.ceil(s.remaining / s.slotsPerInstance) : 1;
  return Math.max(1, Math.min(planned, byWork));
}

/** What the fleet measured since it last changed size, and where the morning stands against its deadline. */
export interface FleetProgress {
  /** Reports written (slots given back) since the fleet last changed. */
  written: number;
  /**
   * Seconds with a call in flight since the fleet last changed (not those an instance served with no report yet), up
   * to the last report written.
   */
  servingSeconds: number;
  /** Seconds since the order came, at the last report written. */
  writtenAtSeconds: number;
  /** Reports still to write. */
  remaining: number;
  /** Seconds since the order came, and the deadline from then. */
  elapsedSeconds: number;
  dueInSeconds: number;
  /** Instances serving: a rate measured over fewer reports than a round of slots each is not yet a rate. */
  serving: number;
  /**
   * Reports each instance must have written before the rate counts: its slots (at least 2). An instance takes a
   * round of reports at once and writes them at about the same time, so before a round is out the rate reads far too
   * low, and a fleet on time would add an instance it does not need.
   */
  round: number;
}

/** The reports an instance writes before its rate counts (FleetProgress.round): its slots, at least two. */
export function roundOf(slotsPerInstance: number): number {
  return Number.isFinite(slotsPerInstance) ? Math.max(2, slotsPerInstance) : 2;
}

/**
 * Whether the reports left, at the rate measured so far, finish after the deadline: then one more instance helps.
 * The rate and the finish are taken at the last report written: reports come out in rounds, and a rate read half-way
 * through one (its time counted, none of its reports yet) reads low by up to a round.
 */
export function fallsBehind(p: FleetProgress): boolean {
  if (p.written < p.round * Math.max(1, p.serving) || p.servingSeconds <= 0) return false;
  const perSecond = p.written / p.servingSeconds;
  return Math.max(p.elapsedSeconds, p.writtenAtSeconds + p.remaining / perSecond) > p.dueInSeconds;
}

/** An instance as the slot and drain decisions see it. */
export interface SlotView {
  place: number;
  /** Slots held on it. */
  holding: number;
  /** It serves and takes new slots (not starting, not draining). */
  open: boolean;
}

/** The instance the next slot goes to: the open one with the most free slots (the lowest place on a tie). */
export function instanceForSlot<T extends SlotView>(instances: readonly T[], slotsPerInstance: number): T | undefined {
  return instances
    .filter((i) => i.open && i.holding < slotsPerInstance)
    .sort((a, b) => a.holding - b.holding || a.place - b.place)[0];
}

/** The instance to drain when the fleet shrinks: the one with the fewest slots held (the highest place on a tie). */
export function instanceToDrain<T extends SlotView>(instances: readonly T[]): T | undefined {
  return [...instances].sort((a, b) => a.holding - b.holding || b.place - a.place)[0];
}

/** The lowest place (0 … maxInstances-1) no live instance has: where the next one starts. */
export function freePlace(taken: readonly number[], maxInstances: number): number {
  for (let place = 0; place < maxInstances; place++) if (!taken.includes(place)) return place;
  return taken.length;
}
