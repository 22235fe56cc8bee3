import { runKey } from '../store/archive';

/** A workflow run that holds (or asks for) the GPU: the one name for what was also called request and owner. */
export interface Holder {
  workflowId: string;
  runId: string;
}

/**
 * The one key format. A holder's key is "<workflowId>/<runId>"; an instance's key, under which the ledger records
 * it, is its pool's run key with the pool's generation: "<poolId>/<poolRunId>/<generation>". Leases, the ledger and
 * the pool's holder set all use it. Pure, so workflow code may use it too.
 */
export function holderKey(ref: Holder): string {
  return runKey(ref);
}

/** The ledger key of a pool's `generation`-th instance. */
export function instanceKey(pool: Holder, generation: number): string {
  return `${holderKey(pool)}/${generation}`;
}

/** "<workflowId>/<runId>[/<generation>]", read from the right. */
const KEY = /^(.+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/(\d+))?$/i;

/**
 * The run behind a holder or instance key (for an instance, its pool's run). Read from the right: a workflow id may
 * itself contain "/", a run id (a UUID) never does.
 */
export function holderOf(key: string): Holder | undefined {
  const m = KEY.exec(key);
  return m ? { workflowId: m[1]!, runId: m[2]! } : undefined;
}

/**
 * Whether a ledger key is a pool's instance (it has a generation). Ledgers written before the pool was the only path
 * also hold instances a run started for itself ("<workflowId>/<runId>"): their whole bill was that run's.
 */
export function isPoolInstance(key: string): boolean {
  return KEY.exec(key)?.[3] !== undefined;
}
