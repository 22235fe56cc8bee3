import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Config } from '../config/config';
import { narrativeSchema } from '../schemas/narrative.schema';
import { REPORT_SCHEMA_NAME } from './answer-check';

/** Set on every simulator response, so output written by the simulator is never mistaken for a model's. */
export const SIMULATOR_HEADER = 'x-vllm-simulator';

/** vLLM's OpenAI-compatible server at the GPU's endpoint. The SDK's own retries are off: Temporal owns retries. */
export function llmClient(endpoint: string, apiKey: string, llm: Config['llm']): OpenAI {
  return new OpenAI({ baseURL: `${endpoint}/v1`, apiKey, maxRetries: 0, timeout: llm.requestTimeoutSeconds * 1000 });
}

/** The least room an answer needs: a report's JSON is 400–1,500 tokens. */
export const MIN_ANSWER_TOKENS = 512;

/**
 * An upper estimate of the tokens a Qwen-family tokenizer makes of `messages`: every Han character, digit and
 * punctuation mark one, other characters four to one, and a few for each message's frame. Measured against Qwen's
 * own tokenizer on the report's prompts it is 1.04–1.42 times the true count: it errs on the side of fitting.
 */
export function estimateTokens(messages: ChatCompletionMessageParam[]): number {
  return messages.reduce((sum, m) => {
    const text = typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '');
    const single = text.match(/[\u3000-\u9fff\uff00-\uffef\d]|[^\w\s]/g)?.length ?? 0;
    return sum + single + Math.ceil((text.length - single) / 4) + 8;
  }, 0);
}

/**
 * The context the server serves for `model`, as vLLM's /v1/models says (`max_model_len`); undefined when it does
 * not say or cannot be asked (the request is then sent as configured, and a server that refuses it says why).
 */
export async function servedContext(client: OpenAI, model: string, signal: AbortSignal): Promise<number | undefined> {
  try {
    const models = await client.models.list({ signal });
    const served = models.data.find((m) => m.id === model) as { max_model_len?: unknown } | undefined;
    return typeof served?.max_model_len === 'number' ? served.max_model_len : undefined;
  } catch {
    return undefined;
  }
}

/** The schema with no string length bounds: what a grammar converter that cannot take them decodes under. */
const UNBOUNDED_SCHEMA: unknown = JSON.parse(
  JSON.stringify(narrativeSchema, (key, value: unknown) =>
    key === 'minLength' || key === 'maxLength' ? undefined : value,
  ),
);

/**
 * How each server is asked for JSON under the schema. vLLM ignores `strict` and, since v0.12, the old `guided_json`
 * field: response_format json_schema is the way. llama-cpp-python takes `{type: "json_object", schema}` (json_schema
 * gets HTTP 500) and its grammar converter fails on `maxLength`: the lengths are left to AJV there.
 */
function responseFormat(server: Config['llm']['server']): ChatCompletionCreateParams['response_format'] {
  if (server === 'llama-cpp-python')
    return { type: 'json_object', schema: UNBOUNDED_SCHEMA } as ChatCompletionCreateParams['response_format'];
  return { type: 'json_schema', json_schema: { name: REPORT_SCHEMA_NAME, schema: narrativeSchema } };
}

/** One chat completion asking for the report as JSON constrained by its schema, in at most `maxTokens`. */
export async function requestReport(
  client: OpenAI,
  llm: Config['llm'],
  messages: ChatCompletionMessageParam[],
  signal: AbortSignal,
  maxTokens = llm.maxTokens,
): Promise<{ completion: ChatCompletion; simulated: boolean }> {
  const { data, response } = await client.chat.completions
    .create(
      {
        model: llm.model,
        messages,
        temperature: llm.temperature,
        seed: llm.seed,
        max_tokens: maxTokens,
        response_format: responseFormat(llm.server),
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
