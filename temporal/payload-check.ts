import type { Connection } from '@temporalio/client';
import type { EncryptionKeys } from '../config/encryption-keys';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from './encryption';

const text = new TextDecoder();

/**
 * Whether this worker can read what its task queue's runs carry: the inputs of the newest runs on `taskQueue`,
 * looked at by their encoding and key id (nothing is decrypted). A worker missing the key other workers encrypt with
 * would pick up runs and stall on every one of them; it should say so at start and take no tasks. Returns why not,
 * or undefined when it can.
 */
export async function unreadablePayloads(
  connection: Connection,
  namespace: string,
  taskQueue: string,
  keys: EncryptionKeys | undefined,
  sample = 10,
): Promise<string | undefined> {
  const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const page = await connection.workflowService.listWorkflowExecutions({
    namespace,
    query: `TaskQueue = ${quote(taskQueue)}`,
    pageSize: sample,
  });
  for (const execution of page.executions.slice(0, sample)) {
    const history = await connection.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: execution.execution,
      maximumPageSize: 1,
    });
    const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    for (const payload of started?.input?.payloads ?? []) {
      const encoding = payload.metadata?.encoding ? text.decode(payload.metadata.encoding) : '';
      if (encoding !== ENCRYPTED_ENCODING) continue;
      const keyId = payload.metadata?.[KEY_ID_METADATA] ? text.decode(payload.metadata[KEY_ID_METADATA]) : '?';
      const run = `${execution.execution?.workflowId ?? '?'} / ${execution.execution?.runId ?? '?'}`;
      if (!keys)
        return `run ${run} on task queue "${taskQueue}" is encrypted (key "${keyId}"), but this worker has encryption off or no SALES_REPORT_ENCRYPTION_KEYS`;
      if (!keys.keys.has(keyId))
        return `run ${run} on task queue "${taskQueue}" is encrypted with key "${keyId}", which SALES_REPORT_ENCRYPTION_KEYS here does not list (it lists ${[...keys.keys.keys()].join(', ')})`;
    }
  }
  return undefined;
}
