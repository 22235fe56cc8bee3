/**
 * A morning of 1,000 split reports on a fleet, end to end on the dev server and the simulator: a deadline one instance
 * cannot meet, the plan's count from the tokens a warm-up morning measured, the bill against the floor of the
 * planned count, each instance's stop against its last report, the worker's CPU per report. With `--no-deadline`,
 * the same work with no deadline: one instance, its bill against its floor.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { table } from '../cli/table';
import { secondsBetween } from '../gpu/billing';
import { isPoolInstance } from '../gpu/holders';
import { InstanceLedger } from '../gpu/ledger';
import { SENT_OUTCOMES, WORKFLOW_TYPES, type MorningAudit } from '../temporal/contracts';
import { morningResults } from '../temporal/runs';
import type { morningReports } from '../workflows';
import { modelCalls } from '../test/helpers/history';
import { modelMorning } from './fleet-model';
import { renderCpuSeconds, storeName, tokenUsage, writeStoresCsv } from './morning';
import { OUT, r2, REPORT_DATE, say, scenario, type Env } from './scenario';

/**
 * The two mornings: `deadline`, a fleet's (a deadline one instance cannot meet: the plan asks for 3) and `one`, the
 * same morning's work with no deadline on one instance three times as fast. The rates are slower than an L4's so that
 * 1,000 reports are GPU-bound on this 2-core machine: at about 0.76 core-s of worker and render CPU a report, the
 * workers here write at most 1.5 reports a second; these GPUs take about 0.8 a second.
 */
const MORNINGS = {
  deadline: { decode: 150, prefill: 750, deadline: (quick: boolean) => (quick ? '26m' : '27m') },
  one: { decode: 450, prefill: 2_250, deadline: () => undefined },
} as const;
export type FleetMorning = keyof typeof MORNINGS;
const SEQS = 64;
const REPORTS = 1_000;
const WARM_UP = 20;
const HOLDER_CHECK_SECONDS = 5;

export async function fleetBench(env: Env, quick: boolean, shape: FleetMorning) {
  const bootSeconds = quick ? 30 : 60;
  const { decode: DECODE, prefill: PREFILL } = MORNINGS[shape];
  // deadline: ⌈GPU work ÷ (deadline − boot)⌉ = 3 at the tokens the warm-up measures (about 3.9 GPU-s a report at these
  // rates), with room of about a sixth, so that the plan's count is the count the morning needs.
  const deadline = MORNINGS[shape].deadline(quick);
  const dir = join(OUT, 'data');
  mkdirSync(dir, { recursive: true });
  const data = join(dir, `stores-${REPORTS}-200000-by-store-zh.csv`);
  if (!existsSync(data)) await writeStoresCsv(data, REPORTS, 200_000);
  const recipients = Object.fromEntries(
    Array.from({ length: REPORTS }, (_, i) => [storeName(i), [`store-${i + 1}@example.com`]]),
  );
  const warmUpStores = Array.from({ length: WARM_UP }, (_, i) => storeName(i));
  const setup = {
    simulator: [
      '--boot-delay-ms',
      String(bootSeconds * 1000),
      '--tokens-per-second',
      String(DECODE / 8),
      '--aggregate-tokens-per-second',
      String(DECODE),
      '--max-num-seqs',
      String(SEQS),
      '--prefill-tokens-per-second',
      String(PREFILL),
    ],
    config: {
      // A report's call waits its turn among 64 on a slow GPU: minutes, not the 180 s default.
      llm: { maxConcurrentRequests: SEQS, requestTimeoutSeconds: 900 },
      reports: [
        // The warm-up morning's reports: what the plan of the next morning measures a report by.
        {
          id: 'warm-up',
          period: 'week' as const,
          scope: { store: warmUpStores },
          split: {
            by: 'store' as const,
            recipients: Object.fromEntries(warmUpStores.map((store) => [store, recipients[store]!])),
          },
        },
        { id: 'by-store', period: 'week' as const, split: { by: 'store' as const, recipients } },
      ],
      schedule: { id: 'bench-fleet', paused: true, ...(deadline ? { deadline } : {}) },
      gpu: {
        pool: { maxInstances: 6, holderCheckSeconds: HOLDER_CHECK_SECONDS },
        serving: { bootSeconds, decodeTokensPerSecond: DECODE, prefillTokensPerSecond: PREFILL },
      },
      timeouts: { loadDataSeconds: 1200 },
    },
  };
  say(
    `fleet: ${REPORTS} reports by store, ${deadline ? `deadline ${deadline}` : 'no deadline'}; each instance ${DECODE}/${PREFILL} tok/s, boot ${bootSeconds}s`,
  );
  return scenario(env, `fleet-${shape}`, setup, data, async (stack) => {
    const queue = stack.config.temporal.taskQueue;
    // With a deadline, a warm-up morning first: the plan measures a report by the last mornings' tokens.
    if (deadline) {
      const warmUp = await stack.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
        taskQueue: queue,
        workflowId: `bench-fleet-warm-up-${Date.now()}`,
        args: [{ reportDate: REPORT_DATE, reports: ['warm-up'] }],
      });
      const warmed = await morningResults(warmUp);
      if (warmed.length !== WARM_UP || warmed.some((r) => !SENT_OUTCOMES.includes(r.outcome)))
        throw new Error(
          `the warm-up morning did not send its ${WARM_UP} reports: ${JSON.stringify(warmed.map((r) => r.outcome))}`,
        );
      await stack.client.workflow
        .getHandle(`${queue}-gpu-pool`)
        .result()
        .catch(() => undefined);
      say(`  warm-up: ${WARM_UP} reports written; their tokens are what the plan measures a report by`);
    }

    // The morning as the schedule starts it (its nominal time is what the deadline counts from).
    const scheduleId = `bench-fleet-${Date.now()}`;
    const schedule = await stack.client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 9 }] },
      state: { paused: true },
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.morning,
        taskQueue: queue,
        args: [{ reportDate: REPORT_DATE, reports: ['by-store'] }],
      },
    });
    const cpuBefore = process.cpuUsage();
    const renderBefore = renderCpuSeconds();
    const started = Date.now();
    await schedule.trigger();
    let morningId: string | undefined;
    for (let i = 0; i < 100 && !morningId; i++) {
      const { info } = await schedule.describe();
      morningId = [...info.runningActions, ...info.recentActions.map((a) => a.action)][0]?.workflow.workflowId;
      if (!morningId) await new Promise((r) => setTimeout(r, 100));
    }
    const morning = stack.client.workflow.getHandle<typeof morningReports>(morningId!);
    const reports = await morningResults(morning);
    const wallSeconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const renderCpu = renderCpuSeconds() - renderBefore;
    await stack.client.workflow
      .getHandle(`${queue}-gpu-pool`)
      .result()
      .catch(() => undefined);
    await schedule.delete();

    const audit = (await morning.describe()).memo?.audit as MorningAudit;
    const instances = (await new InstanceLedger(stack.store).all())
      .filter((e) => isPoolInstance(e.owner) && Date.parse(e.requestedAt) >= started)
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    const usage = await tokenUsage(
      stack,
      reports.map((r) => r.workflowId),
    );
    const planned = audit.deadline?.instancesPlanned ?? 1;
    const work = (usage.prompt - usage.cached) / PREFILL + usage.completion / DECODE;
    const floor = planned * bootSeconds + work;
    const billed = instances.reduce((sum, e) => sum + secondsBetween(e.requestedAt, e.stoppedAt!), 0);
    // Each instance's last report (from the reports' histories) against its confirmed stop.
    const lastCall = new Map<string, number>();
    const served = new Map<string, number>();
    for (const r of reports)
      for (const call of await modelCalls(stack.client.workflow.getHandle(r.workflowId))) {
        lastCall.set(call.instanceId, Math.max(lastCall.get(call.instanceId) ?? 0, call.endedAtMs));
        served.set(call.instanceId, (served.get(call.instanceId) ?? 0) + 1);
      }
    const perInstance = instances.map((e) => ({
      instanceId: e.instanceId.replace(/:.*\//, ':…/'),
      seconds: r2(secondsBetween(e.requestedAt, e.stoppedAt!)),
      reports: served.get(e.instanceId) ?? 0,
      stopAfterLastReportSeconds: lastCall.has(e.instanceId)
        ? r2((Date.parse(e.stoppedAt!) - lastCall.get(e.instanceId)!) / 1000)
        : null,
      stopReason: e.stopReason ?? '',
    }));
    // The model of a morning (bench/fleet-model.ts), given what this run measured: the tokens a report took, the worker's
    // CPU a report on this host's 2 cores, the instance type and the deadline as the plan saw it.
    const coreSeconds = ((cpu.user + cpu.system) / 1e6 + renderCpu) / REPORTS;
    const modelled = modelMorning({
      reports: REPORTS,
      planned: {
        promptTokens: usage.prompt / REPORTS,
        cachedPromptTokens: usage.cached / REPORTS,
        completionTokens: usage.completion / REPORTS,
        workerCoreSeconds: coreSeconds,
      },
      actualScale: 1,
      profile: {
        name: 'bench',
        bootSeconds,
        decodeTokensPerSecond: DECODE,
        prefillTokensPerSecond: PREFILL,
        hourlyPrice: 0,
      },
      deadlineSeconds: audit.deadline ? (Date.parse(audit.deadline.dueAt) - started) / 1000 : undefined,
      limits: { maxInstances: 6, workerCoresPerHost: availableParallelism(), workerUtilization: 1 },
      holderCheckSeconds: HOLDER_CHECK_SECONDS,
      preGpuShare: 0.3,
      workerHosts: 1,
    });
    const result = {
      modelledBilledSeconds: r2(modelled.billedSeconds),
      modelledInstances: modelled.usedInstances,
      modelOverRun: r2(modelled.billedSeconds / billed),
      reports: REPORTS,
      deadline: deadline ?? 'none',
      decodeTokensPerSecond: DECODE,
      prefillTokensPerSecond: PREFILL,
      bootSeconds,
      derivation: audit.deadline?.derivation ?? '',
      basis: audit.deadline?.basis ?? '',
      instancesNeeded: audit.deadline?.instancesNeeded ?? 0,
      instancesPlanned: planned,
      instancesUsed: instances.length,
      deadlineMet: audit.deadline?.met ?? false,
      sent: reports.filter((r) => SENT_OUTCOMES.includes(r.outcome)).length,
      emails: stack.sink.messages.filter((m) => m.envelope.to.some((to) => to.startsWith('store-'))).length,
      promptTokens: usage.prompt,
      cachedPromptTokens: usage.cached,
      completionTokens: usage.completion,
      floorSeconds: r2(floor),
      billedSeconds: r2(billed),
      billedRatio: r2(billed / floor),
      wallSeconds: r2(wallSeconds),
      holderCheckSeconds: HOLDER_CHECK_SECONDS,
      perInstance,
      cpuSecondsPerReport: r2((cpu.user + cpu.system) / 1e6 / REPORTS),
      renderCpuSecondsPerReport: r2(renderCpu / REPORTS),
    };
    say(
      `  ${result.sent} sent; planned ${planned} (${result.derivation}); used ${instances.length}; billed ${result.billedSeconds}s = ×${result.billedRatio} of ${planned} × ${bootSeconds}s boot + ${usage.prompt - usage.cached} uncached prompt tokens ÷ ${PREFILL} + ${usage.completion} completion tokens ÷ ${DECODE} (${result.floorSeconds}s); deadline ${result.deadlineMet ? 'met' : 'missed'}; wall ${result.wallSeconds}s`,
    );
    return result;
  });
}

export function fleetTable(r: Awaited<ReturnType<typeof fleetBench>>): string {
  return [
    table(
      [
        'reports',
        'deadline',
        'needed',
        'planned',
        'used',
        'sent',
        'floor s',
        'billed s',
        '×',
        'met',
        'wall s',
        'worker core-s / report',
        'render core-s / report',
      ],
      [
        [
          r.reports,
          r.deadline,
          r.instancesNeeded,
          r.instancesPlanned,
          r.instancesUsed,
          r.sent,
          r.floorSeconds,
          r.billedSeconds,
          r.billedRatio,
          r.deadlineMet ? 'met' : 'missed',
          r.wallSeconds,
          r.cpuSecondsPerReport,
          r.renderCpuSecondsPerReport,
        ],
      ],
    ),
    `plan: ${r.derivation} (a report's tokens: ${r.basis})`,
    `the model of this morning (bench/fleet-model.ts, with this run's tokens, CPU and deadline): ${r.modelledInstances} instances, billed ${r.modelledBilledSeconds} s, ×${r.modelOverRun} of the run's bill`,
    table(
      [
        'instance',
        'billed s',
        'reports',
        `stopped after its last report, s (holder check ${r.holderCheckSeconds} s)`,
        'stop reason',
      ],
      r.perInstance.map((i) => [i.instanceId, i.seconds, i.reports, i.stopAfterLastReportSeconds ?? '-', i.stopReason]),
    ),
  ].join('\n');
}
