import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { REPORT_SCHEMA_ID } from '../report/answer-check';
import { factBook } from '../report/facts';
import type { PrintedNarrative } from '../report/narrative';
import { judgeAnswer } from '../report/verdict';
import { WITHHELD_FOR_OPS, type WithheldCause } from '../report/withheld';
import { llmClient } from '../report/llm';
import { definitionOf, reportDefinitions, titleOf } from '../report/definitions';
import { periodKindOf } from '../sales/metrics';
import { archivePrefix } from '../store/archive';
import { llmCallsOf, type LlmCalls } from '../store/llm-calls';
import {
  nonRetryableFailure,
  type GeneratedReport,
  type GenerateReportRequest,
  type WithholdNarrativeRequest,
  type LlmCallsDetails,
} from '../temporal/contracts';

import type { ActivityDeps } from './deps';
import { callModel, ModelDesk, NO_CALLS, withheldReport, type ModelContext } from './model-desk';
import { withholdNarrative } from './withhold-narrative';
import { withHeartbeat } from './heartbeat';
import { activityMetrics } from './metrics';
import { thisRun } from './this-run';

/**
 * The model's words for a run: written and checked (`generateReport`), or withheld when the model cannot be reached
 * (`withholdNarrative`, activities/withhold-narrative.ts). What they share is built once per worker.
 */
export function createGenerateReportActivities({ config, secrets, store, now = () => new Date() }: ActivityDeps) {
  const desk = new ModelDesk(config.llm);
  // Read at start-up: a report whose prompt file is missing stops the worker, not its run at 9:00.
  for (const d of reportDefinitions(config)) desk.prompts(d.locale, d.period, d.prompt);
  const context: ModelContext = { config, secrets, store, now, desk };
  return {
    withholdNarrative: (request: WithholdNarrativeRequest) => withholdNarrative(context, request),
    generateReport: (request: GenerateReportRequest) => generateReport(context, request),
  };
}

/**
 * Asks the model for the report as JSON constrained by the schema, checks finish_reason, parses, validates with
 * AJV and, on failure, asks again with the errors, up to llm.maxAttempts. Transport errors and 5xx are left to
 * Temporal's retry policy (the SDK's own retries are off); an answer that stays invalid fails for good.
 */
export async function generateReport(
  { config, secrets, store, now, desk }: ModelContext,
  { run: requested, gpu, metrics }: GenerateReportRequest,
): Promise<GeneratedReport> {
  const llm = config.llm;
  const run = thisRun(requested);
  const definition = definitionOf(config, run.report);
  const prompts = desk.prompts(definition.locale, periodKindOf(metrics), definition.prompt);
  const client = llmClient(gpu.endpoint, secrets.llmApiKey, llm);
  const archive = archivePrefix(run);
  const execution = Context.current().info.attempt;
  // What the model may claim, computed once: shown to it, and what its words are checked against.
  const facts = factBook(metrics, prompts.locale, { flatPercent: config.report.flatChangePercent });
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: prompts.system },
    { role: 'user', content: prompts.userMessage(metrics, facts) },
  ];
  const errorsByAttempt: string[][] = [];
  /** Why each attempt was refused, in the vocabulary readers and ops are told. */
  const refusals: WithheldCause[] = [];
  const attemptsSoFar = () =>
    errorsByAttempt.map((errors, i) => `attempt ${i + 1} (${refusals[i]}): ${errors.join('; ')}`).join(' | ');
  // Every call to the model this run made, across activity retries: what the audit reports and the GPU served.
  const ledger = llmCallsOf(store, run);
  const calls: LlmCalls = (await ledger.get('calls')) ?? structuredClone(NO_CALLS);
  const { usage } = calls;

  return withHeartbeat(async (signal) => {
    try {
      return await askUntilValid(signal);
    } catch (err) {
      if (signal.aborted || (err instanceof ApplicationFailure && err.nonRetryable)) throw err;
      // Retried by Temporal; the calls so far travel with the failure, so a run that fails for good still says
      // how many it made.
      throw ApplicationFailure.retryable((err as Error).message, (err as Error).name, {
        llmCalls: calls.calls,
      } satisfies LlmCallsDetails);
    }
  });

  async function askUntilValid(signal: AbortSignal): Promise<GeneratedReport> {
    let lastAnswer = '';
    let lastSimulated = false;
    // The answer that needs the fewest items left out, among those whose headline and summary hold: what goes
    // out when no answer is right in full.
    let best: { printed: PrintedNarrative; model: string; simulated: boolean; fenced: boolean } | undefined;
    const accepted = async (
      printed: PrintedNarrative,
      model: string,
      simulated: boolean,
      fenced: boolean,
    ): Promise<GeneratedReport> => {
      await store.put(`${archive}report.json`, JSON.stringify(printed.report, null, 2));
      if (printed.dropped.length > 0) {
        activityMetrics().narrativeItemsDropped.add(printed.dropped.length);
        log.warn('narrative items left out', { items: printed.dropped.map((d) => d.item) });
      }
      return {
        report: printed.report!,
        model,
        promptFile: prompts.systemFile,
        promptSha256: prompts.systemSha256,
        schemaId: REPORT_SCHEMA_ID,
        attempts: calls.calls,
        usage,
        simulated,
        ...(fenced && { fenceStripped: true }),
        ...(printed.dropped.length > 0 && { itemsDropped: printed.dropped }),
      };
    };
    // A refusal after refused answers keeps their reasons: each attempt's is in the audit.
    const withEarlierReasons = (err: unknown): never => {
      if (err instanceof ApplicationFailure && err.type === 'LlmRequestRejected' && errorsByAttempt.length > 0)
        throw nonRetryableFailure('LlmRequestRejected', `${err.message}; before it, ${attemptsSoFar()}`);
      throw err;
    };
    for (let attempt = 1; attempt <= llm.maxAttempts; attempt++) {
      // Sized to the server's context before it counts as a call: a prompt with no room is no call made.
      const maxTokens = await desk.answerBudget(client, gpu.endpoint, messages, signal).catch(withEarlierReasons);
      calls.calls++;
      calls.firstCallAt ??= now().toISOString();
      await ledger.put('calls', calls);
      const { completion, simulated } = await callModel(client, llm, messages, signal, maxTokens).catch(
        withEarlierReasons,
      );
      await store.put(`${archive}llm-answer-${execution}-${attempt}.json`, JSON.stringify(completion, null, 2));
      usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
      usage.completionTokens += completion.usage?.completion_tokens ?? 0;
      usage.totalTokens += completion.usage?.total_tokens ?? 0;
      const cached = completion.usage?.prompt_tokens_details?.cached_tokens;
      if (cached !== undefined) usage.cachedPromptTokens = (usage.cachedPromptTokens ?? 0) + cached;
      await ledger.put('calls', calls);

      const choice = completion.choices[0];
      const content = choice?.message.content ?? '';
      lastAnswer = content;
      lastSimulated = simulated;
      // Claims come from the facts the code computed: each must bind to one that bears it out.
      const verdict = judgeAnswer(content, choice?.finish_reason, metrics, {
        locale: prompts.locale,
        facts,
        checkFigures: llm.checkFigures,
      });
      if (!verdict.refusedBy) return accepted(verdict.printed, completion.model, simulated, verdict.fenced);
      const { refusedBy, printed, errors } = verdict;
      if (printed?.report && (!best || printed.dropped.length <= best.printed.dropped.length))
        best = { printed, model: completion.model, simulated, fenced: verdict.fenced ?? false };
      activityMetrics().answersRefused.add(1, { check: refusedBy });
      log.warn('model answer refused', { check: refusedBy, attempt, errors: errors.length });
      errorsByAttempt.push(errors);
      refusals.push(refusedBy);
      messages.splice(2, messages.length, ...prompts.repairTurn(content, errors));
    }
    if (best && llm.onWrongAnswer === 'withhold-narrative')
      // Withhold less, never a wrong word: the items that stayed wrong are left out, the rest goes out.
      return accepted(best.printed, best.model, best.simulated, best.fenced);
    const cause = refusals.at(-1) ?? 'schema';
    const reason = `The model's report stayed invalid after ${llm.maxAttempts} attempts (answers in ${store.locate(archive)}): ${attemptsSoFar()}`;
    if (llm.onWrongAnswer === 'withhold-narrative') {
      // The numbers come from code: the report goes out at its time with them, and no unchecked word.
      return withheldReport(
        llm.model,
        calls,
        lastSimulated,
        { cause, reason: `${WITHHELD_FOR_OPS[cause]}: ${reason}`, rejectedText: lastAnswer.slice(0, 2_000) },
        prompts,
        periodKindOf(metrics),
        titleOf(config, run.report),
      );
    }
    throw nonRetryableFailure('ReportSchemaViolation', reason, {
      errorsByAttempt,
      archive: store.locate(archive),
      llmCalls: calls.calls,
    });
  }
}
