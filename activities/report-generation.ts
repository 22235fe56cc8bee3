import { ApplicationFailure, Context } from '@temporalio/activity';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { weeklySalesReportSchema } from '../schemas/weekly-sales-report.schema';
import type { GeneratedReport, GpuHandle, RunRef, SalesMetrics, TokenUsage } from '../lib/contracts';
import { loadPrompts } from '../lib/prompts';
import { checkReportAnswer, REPORT_SCHEMA_ID, REPORT_SCHEMA_NAME } from '../lib/report-validation';
import { SIMULATOR_HEADER } from '../sim/header';
import type { ActivityDeps } from './deps';
import { archiveDirFor, archiveFile } from './archive';
import { withHeartbeat } from './heartbeat';

export interface GenerateReportRequest {
  run: RunRef;
  gpu: GpuHandle;
  metrics: SalesMetrics;
}

/** How much of an invalid answer is echoed back to the model: enough to fix, not enough to blow the context. */
const ECHO_LIMIT = 4_000;

export function createReportGenerationActivities({ config, secrets }: ActivityDeps) {
  const prompts = loadPrompts(config.report.locale);
  const llm = config.llm;

  return {
    /**
     * Asks the model for the report as JSON constrained by the schema, checks finish_reason, parses, validates with
     * AJV and, on failure, asks again with the errors, up to llm.maxAttempts. Transport errors and 5xx are left to
     * Temporal's retry policy (the SDK's own retries are off); an answer that stays invalid fails for good.
     */
    async generateReport({ run, gpu, metrics }: GenerateReportRequest): Promise<GeneratedReport> {
      const client = new OpenAI({
        baseURL: `${gpu.endpoint}/v1`,
        apiKey: secrets.llmApiKey,
        maxRetries: 0,
        timeout: llm.requestTimeoutSeconds * 1000,
      });
      const archiveDir = archiveDirFor(config.archive.dir, run);
      const execution = Context.current().info.attempt;
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: prompts.system },
        { role: 'user', content: prompts.userMessage(metrics) },
      ];
      const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      const errorsByAttempt: string[][] = [];

      return withHeartbeat(async (signal) => {
        for (let attempt = 1; attempt <= llm.maxAttempts; attempt++) {
          const { completion, simulated } = await callModel(client, messages, signal);
          await archiveFile(archiveDir, `llm-answer-${execution}-${attempt}.json`, JSON.stringify(completion, null, 2));
          usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
          usage.completionTokens += completion.usage?.completion_tokens ?? 0;
          usage.totalTokens += completion.usage?.total_tokens ?? 0;

          const choice = completion.choices[0];
          const content = choice?.message.content ?? '';
          const check = checkReportAnswer(content, choice?.finish_reason);
          if (check.ok) {
            await archiveFile(archiveDir, 'report.json', JSON.stringify(check.report, null, 2));
            return {
              report: check.report,
              model: completion.model,
              promptFile: prompts.systemFile,
              promptSha256: prompts.systemSha256,
              schemaId: REPORT_SCHEMA_ID,
              attempts: attempt,
              usage,
              simulated,
            };
          }
          errorsByAttempt.push(check.errors);
          messages.push(
            { role: 'assistant', content: content.slice(0, ECHO_LIMIT) },
            { role: 'user', content: prompts.repairMessage(check.errors) },
          );
        }
        const summary = errorsByAttempt.map((errors, i) => `attempt ${i + 1}: ${errors.join('; ')}`).join(' | ');
        throw ApplicationFailure.nonRetryable(
          `The model's report stayed invalid after ${llm.maxAttempts} attempts (answers in ${archiveDir}): ${summary}`,
          'ReportSchemaViolation',
          { errorsByAttempt, archiveDir },
        );
      });
    },
  };

  async function callModel(client: OpenAI, messages: ChatCompletionMessageParam[], signal: AbortSignal) {
    try {
      const { data, response } = await client.chat.completions
        .create(
          {
            model: llm.model,
            messages,
            temperature: llm.temperature,
            seed: llm.seed,
            max_tokens: llm.maxTokens,
            // vLLM ignores `strict` and, since v0.12, the old `guided_json` field: response_format is the way.
            response_format: {
              type: 'json_schema',
              json_schema: { name: REPORT_SCHEMA_NAME, schema: weeklySalesReportSchema },
            },
          },
          { signal },
        )
        .withResponse();
      return { completion: data, simulated: response.headers.get(SIMULATOR_HEADER) === 'true' };
    } catch (err) {
      // 4xx other than 408/429 will not get better by retrying (wrong model name, bad key, request too long).
      const status: unknown = err instanceof OpenAI.APIError ? err.status : undefined;
      if (typeof status === 'number' && status < 500 && ![408, 429].includes(status)) {
        throw ApplicationFailure.nonRetryable(
          `vLLM refused the request (${status}): ${(err as Error).message}`,
          'LlmRequestRejected',
        );
      }
      throw err;
    }
  }
}
