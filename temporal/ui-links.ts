/** The run's page in the Temporal Web UI, for emails and CLI output. */
export function runUrl(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  const workflow = `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  // Without a run id: the workflow id's latest run (a pool that continued as new).
  return runId === undefined ? workflow : `${workflow}/${encodeURIComponent(runId)}/history`;
}

/** The schedule's page in the Temporal Web UI. */
export function scheduleUrl(uiUrl: string, namespace: string, scheduleId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(scheduleId)}`;
}
