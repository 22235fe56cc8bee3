import { poolPlan, type DeadlinePlan } from '../gpu/deadline';

/** A morning's deadline alert, in the words ops act on: what is late or will be, why, and what would make it. */
export interface DeadlineAlertWords {
  subject: string;
  text: string;
}

/** Which report: "weekly", "by-region · 华东". */
const named = (r: { id: string; split?: string }) => (r.split === undefined ? r.id : `${r.id} · ${r.split}`);

/** Seconds as a person reads a span: "4 min 10 s", "1 h 15 min". */
function span(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.round((s % 3600) / 60) ? ` ${Math.round((s % 3600) / 60)} min` : ''}`;
}

/**
 * `at-risk`: planned at the start, the pool's instances (one, or a fleet's) finish after the deadline: when, how many instances
 * would make it, and how that was worked out. `missed`: at the deadline, the reports not yet out.
 */
export function deadlineAlertWords(
  kind: 'at-risk' | 'missed',
  reportDate: string,
  plan: DeadlinePlan,
  reports: number,
  pending: readonly { id: string; split?: string }[] = [],
): DeadlineAlertWords {
  const { needed } = plan;
  const onPool = poolPlan(plan);
  const gpus = onPool.instances === 1 ? 'one GPU' : `${onPool.instances} GPUs (gpu.pool.maxInstances)`;
  const how = [
    `Plan: ${needed.derivation}; worker hosts like this one: ${needed.workerHosts}.`,
    `A report's tokens: ${plan.basis}. ${onPool.instances === 1 ? 'One instance finishes' : `${onPool.instances} instances finish`} ${span(onPool.finishSeconds)} after the plan; the deadline is ${span(plan.dueInSeconds)} after it.`,
  ];
  if (kind === 'at-risk')
    return {
      subject: `[DEADLINE AT RISK] Sales reports ${reportDate}: ${reports} reports on ${gpus.replace(' (gpu.pool.maxInstances)', '')} finish ${span(onPool.finishSeconds - plan.dueInSeconds)} after ${plan.dueAt}`,
      text: [
        `The morning of ${reportDate} has ${reports} reports due by ${plan.dueAt}. On ${gpus} they finish about ${span(onPool.finishSeconds)} from now, ${span(onPool.finishSeconds - plan.dueInSeconds)} late; ${needed.meetsDeadline ? `${needed.instances} instances would make it` : `no number of instances makes it (each must boot); the earliest deadline is ${span(needed.earliestDeadlineSeconds)} after the start`}.`,
        '',
        ...how,
        '',
        'The reports are being written: each goes out as soon as it is done. Tell the readers if it matters, move the deadline or the schedule earlier, or measure the GPU (gpu.serving) if these rates are not yours.',
      ].join('\n'),
    };
  return {
    subject: `[DEADLINE MISSED] Sales reports ${reportDate}: ${pending.length} of ${reports} not out by ${plan.dueAt}`,
    text: [
      `At the deadline (${plan.dueAt}) ${pending.length} of the ${reports} reports of ${reportDate} were not out yet: ${pending.map(named).join(', ')}.`,
      'They are still being written and go out when done; each one that fails alerts on its own.',
      '',
      ...how,
    ].join('\n'),
  };
}
