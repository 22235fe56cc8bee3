import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Config } from '../config/config';
import { weeklySalesReportSchema } from '../schemas/weekly-sales-report.schema';
import { REPORT_SCHEMA_NAME } from './answer-check';

/** Set on every simulator response, so output written by the simulator is never mistaken for a model's. */
export const SIMULATOR_HEADER = 'x-vllm-simulator';

/** vLLM's OpenAI-compatible server at the GPU's endpoint. The SDK's own retries are off: Temporal owns retries. */
export function llmClient(endpoint: string, apiKey: string, llm: Config['llm']): OpenAI {
  return new OpenAI({ baseURL: `${endpoint}/v1`, apiKey, maxRetries: 0, timeout: llm.requestTimeoutSeconds * 1000 });
}

/** One chat completion asking for the report as JSON constrained by its schema. */
export async function requestReport(
  client: OpenAI,
  llm: Config['llm'],
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
): Promise<{ completion: ChatCompletion; simulated: boolean }> {
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
}

/** 4xx other than 408/429 will not get better by retrying (wrong model name, bad key, request too long). */
export function isPermanentLlmError(err: unknown): err is InstanceType<typeof OpenAI.APIError> {
  const status: unknown = err instanceof OpenAI.APIError ? err.status : undefined;
  return typeof status === 'number' && status < 500 && ![408, 429].includes(status);
}
