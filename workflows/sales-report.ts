import {
  ApplicationFailure,
  CancellationScope,
  deprecatePatch,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  MORNING_CONFIG,
  MORNING_SCHEDULED_AT,
  progressQuery,
  type ChatPost,
  type EmailReceipt,
  type FailureType,
  type GeneratedReport,
  type GpuHandle,
  type InvalidInputDetails,
  type ReportInput,
  type ReportOutcome,
  type ReportPlan,
  type ReportResult,
  type Stage,
} from '../temporal/contracts';
import { holderKey, holderOf } from '../gpu/holders';
import { reportActivities } from './activity-options';
import { leaseGpu } from './gpu-lease';
import { withLlmSlot } from './llm-slot';
import { deliverPatiently } from './relay-wait';
import { causeOf, rootMessage } from './failures';
import { deliveryNeedsAHuman, ownBill, recordOutcome, sentAs, whatNeedsAHuman, type RunEnd } from './report-audit';
import {
  ReportDate,
  ReportId,
  ReportSplit,
  ReportOutcome as ReportOutcomeKey,
  ReportTrigger,
  TemporalScheduledStartTime,
} from '../temporal/search-attributes';

const { planReport } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds' });
const { sendInputRefusedAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});
// A read of the store, not work: local, so asking costs a run one marker.
const { findReportSend } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

/**
 * Patches retired 2026-11-30 with deprecatePatch (remove the calls once no run started before that date can be
 * open; docs/architecture.md keeps the record):
 * - gpu-stop-does-not-hold-report: a failed GPU release no longer fails the run before the email.
 * - invalid-input-audited: invalid input records ReportOutcome "failed" and the date it would have reported on.
 */
const RETIRED_PATCHES = {
  releaseDoesNotHoldReport: 'gpu-stop-does-not-hold-report',
  invalidInputAudited: 'invalid-input-audited',
} as const;

/** llm-slots (2026-11-30): a run calls the model holding one of the pool's llm.maxConcurrentRequests slots. */
const LLM_SLOTS = 'llm-slots';

/** model-down-numbers-only (2026-11-30): a model that cannot be reached leaves a numbers-only report. */
const NUMBERS_ONLY_WHEN_MODEL_DOWN = 'model-down-numbers-only';

/**
 * sent-checked-first (2026-12-07): a run asks whether its report already went out before it leases the GPU, and a
 * run after a Reset asks again at the first step it executes live; either ends "already-sent" there, with no lease,
 * no model call and no alert. Runs recorded before went on to the email, which found the send.
 */
const SENT_CHECKED_FIRST = 'sent-checked-first';

/**
 * morning-digest (2026-12-07): a run of a morning that failed or had its words withheld tells the webhooks, and
 * leaves the email to its morning, which sends ops one digest of all of them (workflows/morning-reports.ts).
 */
const MORNING_DIGEST = 'morning-digest';

/**
 * relay-waits (2026-12-07): an email the relay would not take (4xx, refused, timed out) is tried again after durable
 * timers until email.delivery.withinMinutes, ops told once it is late and again when it goes out. Runs recorded
 * before failed when the send activity's retries ran out.
 */
const RELAY_WAITS = 'relay-waits';

/**
 * input-refusals-told (2026-12-07): a run refused at start is told to ops when it asked for recipients outside the
 * allow-list, or when a schedule or a morning started it (nobody watched it start). Runs recorded before told no one.
 */
const INPUT_REFUSALS_TOLD = 'input-refusals-told';

/**
 * report-cards (2026-12-07): a report with chat groups (reports[].chat) posts its card to them after its email
 * (postReportCards), and ops hear of a group that refused it. Runs recorded before posted none.
 */
const REPORT_CARDS = 'report-cards';

/** Thrown at a step of a run that finds its report already went out: the run ends "already-sent" from there. */
class SentByAnotherRun extends Error {
  constructor(readonly receipt: EmailReceipt) {
    super(`already sent by ${receipt.sentBy ?? 'another run'}`);
  }
}

/**
 * Not a change to retire: this marker is how a run after a Reset knows the first step it executes live (patched()
 * is false while the steps before the reset point replay, and true from the first live one, where the marker is
 * recorded). There it leases the GPU again under its own run id.
 */
const FIRST_LIVE_STEP_AFTER_RESET = 'reset-gets-its-own-gpu';

/**
 * The weekly sales report: load the numbers while the GPU boots, have the model write the words, give the GPU back,
 * render, email. The lease is given back on every way out the workflow sees; terminated and reset runs run no code,
 * so the pool notices them itself (workflows/gpu-pool.ts).
 */
export async function salesReport(input: ReportInput = {}): Promise<ReportResult> {
  let stage: Stage = 'planning';
  setHandler(progressQuery, () => stage);
  deprecatePatch(RETIRED_PATCHES.releaseDoesNotHoldReport);
  // Asked in the first activation: a patch first asked after a local activity's result can land a workflow task later
  // than that result, and a replay would then not know it yet.
  const sentCheckedFirst = patched(SENT_CHECKED_FIRST);
  const digestByMorning = patched(MORNING_DIGEST) && workflowInfo().parent !== undefined;
  const relayWaits = patched(RELAY_WAITS);
  const refusalsTold = patched(INPUT_REFUSALS_TOLD);
  const cardsPosted = patched(REPORT_CARDS);

  const info = workflowInfo();
  const plan = await planOrRecordInvalidInput(input, refusalsTold);
  const { report } = plan.run;
  upsertSearchAttributes([
    { key: ReportDate, value: plan.run.reportDate },
    { key: ReportTrigger, value: plan.trigger },
    ...(report ? [{ key: ReportId, value: report.id }] : []),
    ...(report?.split !== undefined ? [{ key: ReportSplit, value: report.split }] : []),
  ]);

  // After a Reset the recorded plan is the reset run's: this run archives, sends and is alerted on under its own id,
  // so it never overwrites that run's archive nor claims its send.
  const run = { ...plan.run, runId: info.runId };
  const holder = { workflowId: info.workflowId, runId: info.runId };
  const act = reportActivities(plan.timeouts);
  const end: RunEnd = { holder: holderKey(holder) };

  /** The report as another run sent it: this run says so, names that run, and claims no send of its own. */
  const alreadySent = (receipt: EmailReceipt): ReportResult => ({
    workflowId: info.workflowId,
    runId: info.runId,
    reportDate: plan.run.reportDate,
    trigger: plan.trigger,
    outcome: 'already-sent',
    recipients: plan.recipients,
    ...(receipt.sentBy && { sentBy: receipt.sentBy }),
  });
  const asksWhetherSent = sentCheckedFirst && !plan.dryRun;
  if (asksWhetherSent && !plan.resend) {
    const earlier = await findReportSend({ run, recipients: plan.recipients });
    if (earlier) {
      end.result = alreadySent(earlier);
      end.sentElsewhere = true;
      recordOutcome(plan, end);
      return end.result;
    }
  }
  const stillOwed = sentCheckAfterReset(asksWhetherSent && !plan.resend, plan, () =>
    findReportSend({ run, recipients: plan.recipients }),
  );

  // The GPU boots while the data loads: boot time is the bulk of what we pay for.
  const gpu = leaseGpu(act, plan.gpuPool, holder);
  gpu.granted.catch(() => undefined); // observed below; this only keeps an early rejection from going unhandled
  const ownGpu = leaseAgainAfterReset(plan, gpu);
  /** The GPU this run may use now: the grant, or after a Reset its own new one. */
  const gpuNow = async (): Promise<GpuHandle> => {
    const granted = await gpu.granted;
    await stillOwed(); // before a Reset's run leases again
    const handle = await ownGpu(granted);
    end.instanceId = handle.instanceId;
    return handle;
  };

  /** Gives the GPU back; a failure does not hold the report, it is recorded for the alert and retried at the end. */
  const releaseGpu = async (): Promise<void> => {
    try {
      end.gpuBill = await gpu.release();
      end.releaseError = undefined;
    } catch (err) {
      if (isCancellation(err)) throw err;
      end.releaseError = rootMessage(err);
      log.error('GPU lease not given back; the report goes out and giving back goes on', {
        holder: end.holder,
        error: end.releaseError,
      });
    }
  };

  /**
   * The model's words; when the model cannot be reached (its GPU never serves, every call fails) and the plan says
   * so, the numbers go out alone at their time and ops hear how many calls were made over how long.
   */
  const writeTheWords = async (write: () => Promise<GeneratedReport>): Promise<GeneratedReport> => {
    try {
      return await write();
    } catch (err) {
      if (err instanceof SentByAnotherRun) throw err;
      // An answer that stayed wrong, with llm.onWrongAnswer "fail", is the model's word, not its absence.
      const wrongAnswer = causeOf(err)?.type === ('ReportSchemaViolation' satisfies FailureType);
      if (isCancellation(err) || wrongAnswer || !plan.numbersOnlyWhenModelDown) throw err;
      if (!patched(NUMBERS_ONLY_WHEN_MODEL_DOWN)) throw err;
      log.warn('the model could not be reached; the report goes out with the numbers only', {
        error: rootMessage(err),
      });
      const failureType = causeOf(err)?.type;
      return act.withholdNarrative({
        run,
        error: `while ${stage}: ${rootMessage(err)}`,
        ...(failureType && { failureType }),
      });
    }
  };

  try {
    stage = 'loading data and starting GPU';
    const metrics = await act.loadSalesMetrics(run);
    await stillOwed();

    const generated = await writeTheWords(async () => {
      stage = 'waiting for GPU';
      await gpuNow();
      // The handle is taken at the call: after a Reset, the first live step leases again under this run's id.
      const generate = async (slotOn?: GpuHandle) => {
        await stillOwed();
        stage = 'generating report';
        const gpu = await gpuNow();
        // A fleet's slot names the instance to call; a pool of one has only the instance of the grant.
        if (slotOn) end.instanceId = slotOn.instanceId;
        return act.generateReport({ run, gpu: slotOn ?? gpu, metrics });
      };
      // With a bound on requests in flight, the pool hands out the slots (runs recorded before slots had none).
      const bound = plan.gpuPool.params.maxConcurrentRequests;
      if (bound === undefined || !patched(LLM_SLOTS)) return generate();
      const waitSeconds = plan.timeouts.llmSlotWaitSeconds ?? 3600;
      const recheckSeconds = plan.gpuPool.params.holderCheckSeconds;
      const resetFrom = plan.run.runId !== holder.runId ? plan.run.runId : undefined;
      stage = 'waiting for a model slot';
      const poolChain = () => act.gpuPoolChain(plan.gpuPool.id);
      return withLlmSlot(plan.gpuPool.id, holder, { waitSeconds, recheckSeconds, resetFrom, poolChain }, generate);
    });

    // The model's work is done: stop paying before rendering and email.
    stage = 'stopping GPU';
    await releaseGpu();

    await stillOwed();
    stage = 'rendering';
    const rendered = await act.renderReport({ run, metrics, generated, gpu: end.gpuBill });

    let receipt: EmailReceipt | undefined;
    if (!plan.dryRun) {
      await stillOwed();
      const send = () => {
        stage = 'sending email';
        return act.sendReportEmail({
          run,
          rendered,
          recipients: plan.recipients,
          ...(plan.resend && { resend: true }),
        });
      };
      let toldLate = false;
      receipt =
        relayWaits && plan.delivery
          ? await deliverPatiently(send, plan.delivery, async (wait) => {
              stage = 'waiting for the relay';
              log.warn('the relay did not take the report; trying again after a wait', {
                error: wait.error,
                waitSeconds: wait.seconds,
              });
              if (toldLate || wait.waitedSeconds < plan.delivery!.lateAfterSeconds) return;
              toldLate = true;
              await tellOpsQuietly(() =>
                act.sendDelayNotice({
                  run,
                  state: 'late',
                  error: wait.error,
                  nextTryInSeconds: wait.seconds,
                  giveUpInSeconds: wait.giveUpInSeconds,
                }),
              );
            })
          : await send();
      if (toldLate)
        await tellOpsQuietly(() => act.sendDelayNotice({ run, state: 'sent', messageId: receipt!.messageId }));
      // A receipt names the run that sent: after a Reset past the email, it is the reset run's, not this one's.
      if (asksWhetherSent && sentByAnother(receipt)) throw new SentByAnotherRun(receipt);
    }

    // The chat groups read the card once the email went; a delivery the relay left unknown posts none.
    let chat: ChatPost[] | undefined;
    if (cardsPosted && plan.chat && !plan.dryRun && receipt && receipt.delivery !== 'unknown') {
      stage = 'posting to chat';
      chat = await act
        .postReportCards({ run, rendered, ...(plan.resend && { resend: true }) })
        .catch((err: unknown) =>
          plan.chat!.map((kind, i) => ({ channel: `${kind} ${i + 1}`, posted: false, error: rootMessage(err) })),
        );
    }

    stage = 'done';
    const sentBy = receipt && sentByAnother(receipt) ? receipt.sentBy : undefined;
    const { report: _words, ...llm } = generated; // the words are in the archive and the email, not in history twice
    end.result = {
      workflowId: info.workflowId,
      runId: info.runId,
      reportDate: plan.run.reportDate,
      trigger: plan.trigger,
      period: metrics.period,
      outcome: plan.dryRun
        ? 'dry-run'
        : receipt?.delivery === 'unknown'
          ? 'unknown'
          : sentBy
            ? 'already-sent'
            : sentAs(generated),
      messageId: sentBy ? undefined : receipt?.messageId,
      recipients: plan.recipients,
      artefacts: rendered,
      llm,
      gpu: ownBill(end.gpuBill, end.holder),
      dataQuality: { dataRows: metrics.dataQuality.dataRows, skippedRows: metrics.dataQuality.skippedRows },
      ...(receipt?.rejected.length && { refusedRecipients: receipt.rejected }),
      ...(sentBy && { sentBy }),
      ...(chat && { chat }),
    };
    return end.result;
  } catch (err) {
    if (err instanceof SentByAnotherRun) {
      stage = 'done';
      end.result = alreadySent(err.receipt);
      end.sentElsewhere = true;
      return end.result;
    }
    end.failure = err;
    if (isCancellation(err)) throw err;
    end.reportFailure = ApplicationFailure.create({
      type: 'ReportFailed' satisfies FailureType,
      message: `Sales report for ${plan.run.reportDate} failed while ${stage}: ${rootMessage(err)}`,
      nonRetryable: true,
      cause: err as Error,
    });
    throw end.reportFailure;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      // A lease asked for must reach the pool before it is given back, or the pool would grant a run that is gone.
      await gpu.granted.catch(() => undefined);
      if (end.gpuBill === undefined && end.releaseError === undefined) await releaseGpu();
      const alert = whatNeedsAHuman(end) ?? deliveryNeedsAHuman(plan, end);
      if (alert) await tellOps(act, { run, stage, end, alert, digestByMorning });
      recordOutcome(plan, end);
      if (end.gpuBill === undefined) {
        // Ops know; keep giving the lease back (each try retried by its activity policy), then record the bill.
        await releaseGpu();
        if (end.gpuBill) recordOutcome(plan, end);
      }
    });
  }
}

/** The run's plan; a typo in the Web UI's input fails the run, with "failed" and the date on its audit record. */
async function planOrRecordInvalidInput(input: ReportInput, refusalsTold: boolean): Promise<ReportPlan> {
  const info = workflowInfo();
  try {
    return await planReport({
      input: input ?? {},
      workflowId: info.workflowId,
      runId: info.runId,
      // A morning's reports run as its children: the morning's schedule time is theirs (workflows/morning-reports.ts).
      scheduledAt:
        info.typedSearchAttributes.get(TemporalScheduledStartTime)?.toISOString() ??
        (info.memo?.[MORNING_SCHEDULED_AT] as string | undefined),
      startedAt: info.startTime.toISOString(),
      ...(typeof info.memo?.[MORNING_CONFIG] === 'string' && { plannedWith: info.memo[MORNING_CONFIG] }),
    });
  } catch (err) {
    deprecatePatch(RETIRED_PATCHES.invalidInputAudited);
    const [details] = (causeOf(err)?.details ?? []) as (InvalidInputDetails | undefined)[];
    upsertSearchAttributes([
      { key: ReportOutcomeKey, value: 'failed' satisfies ReportOutcome },
      ...(details?.reportDate ? [{ key: ReportDate, value: details.reportDate }] : []),
    ]);
    const unwatched = info.parent !== undefined || info.typedSearchAttributes.get(TemporalScheduledStartTime);
    if (refusalsTold && (details?.refusedRecipients?.length || unwatched)) {
      await sendInputRefusedAlert({
        run: { workflowId: info.workflowId, runId: info.runId },
        error: rootMessage(err),
        ...(details?.reportDate && { reportDate: details.reportDate }),
        ...(details?.refusedRecipients?.length && { refusedRecipients: details.refusedRecipients }),
      }).catch((alertErr: unknown) => log.error('refusal not told', { error: rootMessage(alertErr) }));
    }
    throw ApplicationFailure.create({
      type: 'ReportFailed' satisfies FailureType,
      message: `Sales report not started: ${rootMessage(err)}`,
      nonRetryable: true,
      cause: err as Error,
    });
  }
}

/** The receipt is of a send another run made (told apart by run id: a run id is unique, whatever the workflow id). */
function sentByAnother(receipt: EmailReceipt): boolean {
  return receipt.sentBy !== undefined && holderOf(receipt.sentBy)?.runId !== workflowInfo().runId;
}

/**
 * After a Reset, the run asks again whether its report went out, once, at the first step it executes live (the steps
 * before the reset point replay their recorded answers, and the reset run may have sent since): called at each step,
 * it throws SentByAnotherRun when the report went out.
 */
function sentCheckAfterReset(
  asks: boolean,
  plan: ReportPlan,
  find: () => Promise<EmailReceipt | null>,
): () => Promise<void> {
  const resetFromRun = plan.run.runId !== workflowInfo().runId;
  let asked: Promise<EmailReceipt | null> | undefined;
  return async () => {
    if (!asks || !resetFromRun) return;
    if (!asked) {
      if (!patched(FIRST_LIVE_STEP_AFTER_RESET)) return;
      asked = find();
    }
    const earlier = await asked;
    if (earlier) throw new SentByAnotherRun(earlier);
  };
}

/**
 * After a Reset, the grant in the history was the reset run's, given back or about to be: at the first step this
 * run executes live, it leases again under its own id (a no-op when the reset point came before the lease). Checked
 * at each step that uses the GPU, because the steps before the reset point only replay.
 */
function leaseAgainAfterReset(plan: ReportPlan, gpu: ReturnType<typeof leaseGpu>) {
  const resetFromRun = plan.run.runId !== workflowInfo().runId;
  let leasedAgain: Promise<GpuHandle> | undefined;
  return async (handle: GpuHandle): Promise<GpuHandle> => {
    if (!resetFromRun) return handle;
    if (!leasedAgain) {
      if (!patched(FIRST_LIVE_STEP_AFTER_RESET)) return handle;
      leasedAgain = gpu.leaseAgain();
    }
    return leasedAgain;
  };
}

/** An alert that must not hold the report: tried, and when no channel takes it, logged. */
async function tellOpsQuietly(tell: () => Promise<unknown>): Promise<void> {
  try {
    await tell();
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.error('alert not delivered', { error: rootMessage(err) });
  }
}

/** Tells ops (email and webhooks); when no channel takes it, the run's own failure says so for whoever looks first. */
async function tellOps(
  act: ReturnType<typeof reportActivities>,
  {
    run,
    stage,
    end,
    alert,
    digestByMorning,
  }: { run: ReportPlan['run']; stage: Stage; end: RunEnd; alert: string; digestByMorning: boolean },
): Promise<void> {
  const failed = end.failure !== undefined && !isCancellation(end.failure);
  const withheld = failed ? undefined : end.result?.llm?.narrativeWithheld;
  const released = end.gpuBill !== undefined;
  // A GPU not stopped or an email that needs a look is this run's own alarm; the rest the morning sums up.
  const inMorningDigest = digestByMorning && released && !end.delivery && (failed || withheld !== undefined);
  try {
    const receipt = await act.sendFailureAlert({
      run,
      stage,
      error: alert,
      ...(withheld && { narrativeWithheld: withheld }),
      gpuStopped: released,
      gpu: end.gpuBill,
      ...(inMorningDigest && { inMorningDigest: true }),
      ...(end.releaseError !== undefined && {
        gpuStopError: { instanceId: end.instanceId, error: end.releaseError },
      }),
      ...(!failed && end.result !== undefined && { reportDelivered: true }),
      ...(end.delivery && { delivery: end.delivery }),
      ...(end.result?.llm && {
        llm: {
          model: end.result.llm.model,
          promptSha256: end.result.llm.promptSha256,
          attempts: end.result.llm.attempts,
          ...(end.result.llm.simulated && { simulated: true }),
        },
      }),
    });
    end.alert = { delivered: receipt.delivered };
  } catch (err) {
    end.alert = { delivered: [], error: rootMessage(err) };
    log.error('failure alert could not be sent', { error: end.alert.error });
    if (end.reportFailure) end.reportFailure.message += ` (NO ALERT DELIVERED: ${end.alert.error})`;
  }
}
