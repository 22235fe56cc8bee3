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

/**
 * The run behind a key. Read from the right: a workflow id may itself contain "/", a run id (a UUID) never does.
 */
export function holderOf(key: string): HolderRef | undefined {
  const m = /^(.+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/\d+)?$/i.exec(key);
  return m ? { workflowId: m[1]!, runId: m[2]! } : undefined;
}
