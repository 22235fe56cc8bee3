/** A workflow run that holds (or asks for) a GPU. */
export interface HolderRef {
  workflowId: string;
  runId: string;
}

/**
 * The one key format for who holds a GPU: "<workflowId>/<runId>", with "/<generation>" for the pool's successive
 * instances. Ledger entries, leases and the pool's holder set all use it. Pure, so workflow code may use it too.
 */
export function holderKey(ref: HolderRef, generation?: number): string {
  return generation === undefined ? `${ref.workflowId}/${ref.runId}` : `${ref.workflowId}/${ref.runId}/${generation}`;
}

/** "<workflowId>/<runId>[/<generation>]", read from the right. */
const KEY = /^(.+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/(\d+))?$/i;

/**
 * The run behind a key. Read from the right: a workflow id may itself contain "/", a run id (a UUID) never does.
 */
export function holderOf(key: string): HolderRef | undefined {
  const m = KEY.exec(key);
  return m ? { workflowId: m[1]!, runId: m[2]! } : undefined;
}

/** Whether the key is a pool's instance (it has a generation), not a run's own (runs recorded before the pool). */
export function isPoolInstance(key: string): boolean {
  return KEY.exec(key)?.[3] !== undefined;
}
