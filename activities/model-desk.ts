import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Config, Secrets } from '../config/config';
import { REPORT_SCHEMA_ID } from '../report/answer-check';
import { estimateTokens, isPermanentLlmError, MIN_ANSWER_TOKENS, requestReport, servedContext } from '../report/llm';
import type { Locale } from '../report/locale';
import { loadPrompts, type PromptSet } from '../report/prompts';
import { withheldNarrative, type WithheldCause } from '../report/withheld';
import type { PeriodKind } from '../sales/dates';
import type { Store } from '../store/store';
import type { LlmCalls } from '../store/llm-calls';
import { nonRetryableFailure, type GeneratedReport, type NarrativeWithheld } from '../temporal/contracts';
import { activityMetrics } from './metrics';

/** What the generate activities share: the config, where the answers are kept, and the model desk. */
export interface ModelContext {
  config: Config;
  secrets: Secrets;
  store: Store;
  now: () => Date;
  desk: ModelDesk;
}

export const NO_CALLS: LlmCalls = { calls: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };

/**
 * What a worker knows of the model once, for every report it writes: each language's and period's fixed prompts
 * (and a report's own), read once, and what each model server serves, asked once per endpoint.
 */
export class ModelDesk {
  private readonly promptSets = new Map<string, PromptSet>();
  private readonly contexts = new Map<string, Promise<number | undefined>>();

  constructor(private readonly llm: Config['llm']) {}

  /** The fixed prompts of a language and period (or a report's own), read once: a morning's daily flash and weekly report get their own. */
  prompts(locale: Locale, period: PeriodKind, prompt?: string): PromptSet {
    const key = `${locale}/${period}/${prompt ?? ''}`;
    if (!this.promptSets.has(key)) this.promptSets.set(key, loadPrompts(locale, period, undefined, prompt));
    return this.promptSets.get(key)!;
  }

  /**
   * The answer's room in the server's context: llm.maxTokens, or less when the prompt leaves less. A prompt that
   * leaves no room for an answer is refused at once, naming both sizes: the same request would be refused every
   * morning.
   */
  async answerBudget(
    client: OpenAI,
    endpoint: string,
    messages: ChatCompletionMessageParam[],
    signal: AbortSignal,
  ): Promise<number> {
    if (!this.contexts.has(endpoint)) this.contexts.set(endpoint, servedContext(client, this.llm.model, signal));
    const context = await this.contexts.get(endpoint)!;
    if (context === undefined) return this.llm.maxTokens;
    const prompt = estimateTokens(messages);
    const room = context - prompt;
    if (room < MIN_ANSWER_TOKENS)
      throw nonRetryableFailure(
        'LlmRequestRejected',
        `the prompt is about ${prompt} tokens and the model server serves ${context} tokens in all (max_model_len): no room for an answer of ${MIN_ANSWER_TOKENS} or more; serve a longer context (vLLM --max-model-len) or report on less`,
      );
    return Math.min(this.llm.maxTokens, room);
  }
}

/** One call to the model, counted in the product's metrics; a request the server refuses fails for good. */
export async function callModel(
  client: OpenAI,
  llm: Config['llm'],
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
  maxTokens: number,
) {
  const started = performance.now();
  const m = activityMetrics();
  try {
    const answer = await requestReport(client, llm, messages, signal, maxTokens);
    m.llmCalls.add(1, { result: 'answered' });
    m.llmCallSeconds.record((performance.now() - started) / 1000);
    m.llmTokens.add(answer.completion.usage?.prompt_tokens ?? 0, { kind: 'prompt' });
    m.llmTokens.add(answer.completion.usage?.completion_tokens ?? 0, { kind: 'completion' });
    // Of the prompt, what the prefix cache held: prefill the GPU did not do.
    m.llmTokens.add(answer.completion.usage?.prompt_tokens_details?.cached_tokens ?? 0, { kind: 'cached-prompt' });
    return answer;
  } catch (err) {
    m.llmCalls.add(1, { result: 'failed' });
    if (isPermanentLlmError(err)) {
      throw nonRetryableFailure('LlmRequestRejected', `vLLM refused the request (${err.status}): ${err.message}`);
    }
    throw err;
  }
}

/** The report with the withheld note for words: the numbers go out alone, and `why` tells ops. */
export function withheldReport(
  model: string,
  calls: LlmCalls,
  simulated: boolean,
  why: NarrativeWithheld & { cause: WithheldCause },
  prompts: PromptSet,
  period: PeriodKind,
  title: string,
): GeneratedReport {
  return {
    report: withheldNarrative(prompts.locale, period, why.cause, title),
    model,
    promptFile: prompts.systemFile,
    promptSha256: prompts.systemSha256,
    schemaId: REPORT_SCHEMA_ID,
    attempts: calls.calls,
    usage: calls.usage,
    simulated,
    narrativeWithheld: why,
  };
}
