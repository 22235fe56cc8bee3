import type { MetricMeter } from '@temporalio/common';

/**
 * The product's own metrics, exported beside the SDK's on the worker's Prometheus endpoint (worker.metricsAddress).
 * One home for their names, units and tags; workflows record through the SDK's replay-safe `metricMeter` (nothing is
 * counted twice when a history replays), activities through their context's.
 *
 * | metric (Prometheus adds _total to counters)   | tags              | counted when                                   |
 * | --------------------------------------------- | ----------------- | ---------------------------------------------- |
 * | sales_report_reports                          | outcome, report   | a report run ends (sent, failed, cancelled, …) |
 * | sales_report_narratives_withheld              | reason, report    | a report went out without the model's words    |
 * | sales_report_llm_calls                        | result            | a call to the model returns or fails           |
 * | sales_report_llm_tokens                       | kind              | prompt and completion tokens of a call         |
 * | sales_report_llm_call_seconds (histogram)     |                   | a call's latency                               |
 * | sales_report_answers_refused                  | check             | an answer fails the schema or the fact check   |
 * | sales_report_gpu_seconds (histogram)          | state             | billed: an instance stops; held: a run lets go |
 * | sales_report_alerts                           | channel, result   | an alert is offered to a channel               |
 * | sales_report_emails                           | result, report    | a report email is handed to the relay          |
 * | sales_report_recipients_refused               | reason            | the relay or the allow-list refuses an address |
 * | sales_report_source_reads                     | source            | a worker reads the sales source (runs that join |
 * |                                               |                   | a read in flight are not counted)              |
 *
 * Unheld GPU seconds (boot for runs that gave up, idle grace, orphans) are billed − held.
 */
export function productMetrics(meter: MetricMeter) {
  return {
    reports: meter.createCounter('sales_report_reports', 'runs', 'Report runs ended, by outcome and report'),
    narrativesWithheld: meter.createCounter(
      'sales_report_narratives_withheld',
      'reports',
      "Reports sent with their numbers only, without the model's words",
    ),
    llmCalls: meter.createCounter('sales_report_llm_calls', 'calls', 'Calls to the model, by result'),
    llmTokens: meter.createCounter('sales_report_llm_tokens', 'tokens', 'Tokens the model read and wrote, by kind'),
    llmCallSeconds: meter.createHistogram('sales_report_llm_call_seconds', 'float', 's', 'Latency of a model call'),
    narrativeItemsDropped: meter.createCounter(
      'sales_report_narrative_items_dropped',
      'items',
      "Items of the model's words (a highlight, risk, recommendation, KPI sentence or note) left out of a sent report because they stayed wrong after repair",
    ),
    answersRefused: meter.createCounter(
      'sales_report_answers_refused',
      'answers',
      'Model answers refused, by check: cut-off, schema, language, claims (a claim no computed fact bears out) or junk (no prose)',
    ),
    gpuSeconds: meter.createHistogram(
      'sales_report_gpu_seconds',
      'float',
      's',
      'GPU seconds: billed per stopped instance, held per run that let go of its lease',
    ),
    alerts: meter.createCounter('sales_report_alerts', 'alerts', 'Alerts offered to a channel, by result'),
    emails: meter.createCounter('sales_report_emails', 'emails', 'Report emails handed to the relay, by result'),
    chatCards: meter.createCounter(
      'sales_report_chat_cards',
      'cards',
      'Report cards offered to a chat group, by kind and result (posted, refused)',
    ),
    recipientsRefused: meter.createCounter(
      'sales_report_recipients_refused',
      'addresses',
      'Recipient addresses refused, by reason: the relay, or outside email.allowedRecipients',
    ),
    sourceReads: meter.createCounter(
      'sales_report_source_reads',
      'reads',
      'Reads of the sales source, by kind (file or postgres): runs that share a read in flight count once',
    ),
  };
}

export type ProductMetrics = ReturnType<typeof productMetrics>;

/**
 * What a dead man's switch outside the product reads (deploy/prometheus/sales-report.rules.yml): gauges every worker
 * sets from what Temporal and the store hold (temporal/report-pulse.ts), so each worker says the same and a restarted
 * one says it again. Timestamps are Unix seconds.
 *
 * | gauge                                               | tags   | what                                           |
 * | --------------------------------------------------- | ------ | ---------------------------------------------- |
 * | sales_report_due_timestamp_seconds                  | report | when the report was last due (its schedule)    |
 * | sales_report_values_owed                            | report | reports owed for that date (one per split value)|
 * | sales_report_values_sent                            | report | of those, how many went out (or already had)   |
 * | sales_report_last_sent_timestamp_seconds            | report | when the last of that date's sends ended       |
 * | sales_report_missed_check_last_run_timestamp_seconds|        | when the missed-report check last completed    |
 * | sales_report_gpu_instances_live                     |        | instances the ledger has not seen stop         |
 * | sales_report_gpu_instances_unheld                   |        | of those, instances no run holds               |
 * | sales_report_gpu_pool_task_pending_seconds          |        | how long the pool's workflow task has waited (0: none pending) |
 * | sales_report_gpu_pool_task_attempt                  |        | its attempt (above 1: it failed or timed out; 0: none) |
 * | sales_report_pulse_timestamp_seconds                |        | when this worker last read all of the above    |
 * | sales_report_worker_config                          | fingerprint | 1: the config this worker plans with      |
 */
export function pulseMetrics(meter: MetricMeter) {
  const gauge = (name: string, unit: string, help: string) => meter.createGauge(name, 'float', unit, help);
  return {
    due: gauge('sales_report_due_timestamp_seconds', 's', 'When the report was last due, by its schedule'),
    valuesOwed: gauge(
      'sales_report_values_owed',
      'reports',
      'Reports owed for the last due date (one per split value)',
    ),
    valuesSent: gauge('sales_report_values_sent', 'reports', 'Reports of the last due date that went out'),
    lastSent: gauge('sales_report_last_sent_timestamp_seconds', 's', "When the last due date's last send ended"),
    missedCheckLastRun: gauge(
      'sales_report_missed_check_last_run_timestamp_seconds',
      's',
      'When the missed-report check last completed',
    ),
    gpuLive: gauge('sales_report_gpu_instances_live', 'instances', 'GPU instances started and not seen stopped'),
    gpuUnheld: gauge('sales_report_gpu_instances_unheld', 'instances', 'GPU instances running that no run holds'),
    poolTaskPending: gauge(
      'sales_report_gpu_pool_task_pending_seconds',
      's',
      "How long the GPU pool's pending workflow task has waited since first scheduled (0: none pending)",
    ),
    poolTaskAttempt: gauge(
      'sales_report_gpu_pool_task_attempt',
      'attempts',
      "The GPU pool's pending workflow task's attempt: above 1, it failed or timed out (0: none pending)",
    ),
    pulse: gauge('sales_report_pulse_timestamp_seconds', 's', 'When this worker last read the figures above'),
    config: gauge('sales_report_worker_config', 'workers', "1, tagged with this worker's config fingerprint"),
  };
}

/**
 * The `report` tag of a run's series: its report id (reports[].id), "default" for a config without `reports`. The
 * split value is no tag: a series per store or manager would grow with the shops; it is in the run's log lines.
 */
export function reportTag(report: { id: string } | undefined): string {
  return report?.id ?? 'default';
}
