import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SIMULATOR_HEADER } from '../../report/llm';
import { Aborted, BatchingEngine, type EngineStats } from './engine';
import { metricsFromPrompt, ownersInPrompt, writeDocument } from './report-writer';

export interface SimulatorOptions {
  model: string;
  apiKey?: string;
  maxModelLen: number;
  /** Fault switches: how many of the first chat calls misbehave, each in its own way. */
  fail5xx: number;
  truncate: number;
  invalidJson: number;
  /** Wrap the JSON of the first N answers in a ```json Markdown fence, as some models always do. */
  fenceJson: number;
  /** The first N answers are valid for the schema but state invented figures in the headline. */
  misstateFigures: number;
  /** The first N answers are valid for the schema and say nothing: a small model's junk (field names, repeats). */
  junk?: number;
  /** Every answer, valid for the schema, carries this headline: a model that always writes the same sentence. */
  headline?: string;
  /** Every answer's highlights start with these (five at most in all): items a model keeps writing. */
  highlights?: string[];
  /** After this many chat calls the engine is "dead": /health 503, chat 500. 0 = never. */
  dieAfter: number;
  latencyMs: number;
  /** Completion speed of one sequence; 0 = instant. */
  tokensPerSecond: number;
  /** All sequences decoding together (the GPU's aggregate); 0 = no cap. */
  aggregateTokensPerSecond?: number;
  /** Sequences decoded at once, like vLLM's --max-num-seqs; more wait their turn. 0 = no limit. */
  maxNumSeqs?: number;
  /** Prompt tokens prefilled a second, the cached prefix excepted; 0 = instant. */
  prefillTokensPerSecond?: number;
  /**
   * vLLM's automatic prefix caching (on by default in its V1 engine): a prompt whose leading system message the
   * server has seen prefills only the rest, whole 16-token blocks of the prefix being cached. Default on.
   */
  prefixCaching?: boolean;
}

/** vLLM's KV-cache block: a prefix is cached in whole blocks. */
const BLOCK_TOKENS = 16;

interface ChatRequest {
  model?: unknown;
  messages?: { role?: string; content?: unknown }[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  response_format?: { type?: string; json_schema?: { name?: string; schema?: unknown } };
}

/** An HTTP server with the routes, shapes and error bodies of vLLM's OpenAI-compatible server, minus the GPU. */
export function createSimulator(options: SimulatorOptions): Server {
  const faults = {
    fail5xx: options.fail5xx,
    truncate: options.truncate,
    invalidJson: options.invalidJson,
    fenceJson: options.fenceJson,
    misstateFigures: options.misstateFigures,
    junk: options.junk ?? 0,
  };
  const engine = new BatchingEngine({
    tokensPerSecond: options.tokensPerSecond,
    aggregateTokensPerSecond: options.aggregateTokensPerSecond ?? 0,
    maxNumSeqs: options.maxNumSeqs ?? 0,
    prefillTokensPerSecond: options.prefillTokensPerSecond ?? 0,
  });
  /** The system prompts whose blocks the cache holds (the fixed system prompt: one or a few). */
  const cachedPrefixes = new Set<string>();
  const prompts = { tokens: 0, cacheHits: 0 };
  /** Prompt tokens of this request the prefix cache holds: its system message's whole blocks, once seen. */
  const cachedTokensOf = (messages: { role?: string; content?: unknown }[]): number => {
    const first = messages[0];
    if (options.prefixCaching === false || first?.role !== 'system' || typeof first.content !== 'string') return 0;
    const seen = cachedPrefixes.has(first.content);
    if (!seen && cachedPrefixes.size < 64) cachedPrefixes.add(first.content);
    return seen ? Math.floor(countTokens(first.content) / BLOCK_TOKENS) * BLOCK_TOKENS : 0;
  };
  let chatCalls = 0;
  let invalidServed = 0;
  const dead = () => options.dieAfter > 0 && chatCalls >= options.dieAfter;

  return createServer((req, res) => {
    res.setHeader(SIMULATOR_HEADER, 'true');
    void route(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerError', (err as Error).message);
      else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') {
      res.writeHead(dead() ? 503 : 200).end();
      return;
    }
    if (path === '/metrics' && req.method === 'GET') {
      res
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(prometheusText(options.model, engine.stats(), prompts));
      return;
    }
    if (path?.startsWith('/v1') && options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(res, 401, { error: 'Unauthorized' });
      return;
    }
    if (path === '/v1/models' && req.method === 'GET') {
      sendJson(res, 200, {
        object: 'list',
        data: [
          {
            id: options.model,
            object: 'model',
            created: Math.floor(Date.now() / 1000),
            owned_by: 'vllm',
            root: `${options.model} (vllm-simulator)`,
            parent: null,
            max_model_len: options.maxModelLen,
          },
        ],
      });
      return;
    }
    if (path === '/v1/chat/completions' && req.method === 'POST') {
      await chat(req, res);
      return;
    }
    sendJson(res, 404, { detail: 'Not Found' });
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequest;
    } catch (err) {
      sendError(res, 400, 'BadRequestError', `Invalid JSON body: ${(err as Error).message}`);
      return;
    }
    if (body.model !== options.model) {
      sendError(res, 404, 'NotFoundError', `The model \`${String(body.model)}\` does not exist.`, 'model');
      return;
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      sendError(res, 400, 'BadRequestError', 'messages: Field required', 'messages');
      return;
    }
    if (body.stream) {
      sendError(res, 400, 'BadRequestError', 'streaming is not implemented by the simulator', 'stream');
      return;
    }
    const prompt = body.messages
      .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
      .join('\n');
    const promptTokens = countTokens(prompt);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? options.maxModelLen - promptTokens;
    if (promptTokens + maxTokens > options.maxModelLen) {
      sendError(
        res,
        400,
        'BadRequestError',
        `This model's maximum context length is ${options.maxModelLen} tokens. However, you requested ` +
          `${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). ` +
          'Please reduce the length of the messages or completion.',
      );
      return;
    }

    chatCalls++;
    if (dead()) {
      sendError(
        res,
        500,
        'InternalServerError',
        'EngineCore encountered an issue. See stack trace (above) for the root cause.',
      );
      return;
    }
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if (faults.fail5xx > 0) {
      faults.fail5xx--;
      sendError(res, 500, 'InternalServerError', 'simulated server error');
      return;
    }

    // The report's language is the system prompt's: the data (and so the user message) holds Chinese names either way.
    const system = body.messages.find((m) => m.role === 'system')?.content;
    const zh = /[\u4e00-\u9fff]/.test(typeof system === 'string' ? system : prompt);
    const format = body.response_format;
    let content: string;
    if (format?.type === 'json_schema' && format.json_schema?.schema) {
      const doc = writeDocument(
        format.json_schema.schema,
        metricsFromPrompt(prompt),
        zh ? 'zh' : 'en',
        typeof system === 'string' ? ownersInPrompt(system) : undefined,
      );
      content = JSON.stringify(doc);
      if (faults.invalidJson > 0) {
        faults.invalidJson--;
        // First unparseable chatter around the JSON, then valid JSON that breaks the schema, and so on.
        content =
          invalidServed++ % 2 === 0
            ? `Sure! Here is the report:\n${content.slice(0, -1)}`
            : JSON.stringify(breakDocument(doc));
      }
      if (faults.misstateFigures > 0) {
        faults.misstateFigures--;
        const wrong = zh ? '销售额暴跌 85.0% 至 ¥9,999,999' : 'Revenue doubled: +100% to ¥9,999,999';
        content = JSON.stringify({ ...(doc as Record<string, unknown>), headline: wrong });
      }
      if (faults.junk > 0) {
        faults.junk--;
        content = JSON.stringify(junkDocument(zh));
      }
      if (options.headline !== undefined) {
        content = JSON.stringify({ ...(doc as Record<string, unknown>), headline: options.headline });
      }
      if (options.highlights?.length) {
        const written = JSON.parse(content) as { highlights?: string[] };
        written.highlights = [...options.highlights, ...(written.highlights ?? [])].slice(0, 5);
        content = JSON.stringify(written);
      }
      if (faults.fenceJson > 0) {
        faults.fenceJson--;
        content = `\`\`\`json\n${JSON.stringify(doc, null, 2)}\n\`\`\``;
      }
    } else if (format?.type === 'json_object') {
      content = '{}';
    } else {
      content = zh ? '这是 vLLM 模拟器的回答。' : 'This is an answer from the vLLM simulator.';
    }

    let finishReason = 'stop';
    let completionTokens = countTokens(content);
    if (faults.truncate > 0) {
      faults.truncate--;
      content = content.slice(0, Math.floor(content.length / 2));
      completionTokens = countTokens(content);
      finishReason = 'length';
    } else if (completionTokens > maxTokens) {
      content = cutToTokens(content, maxTokens);
      completionTokens = maxTokens;
      finishReason = 'length';
    }
    // A client that gives up (its timeout) closes the connection: the sequence leaves the batch, as in vLLM.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) gone.abort();
    });
    const cachedTokens = cachedTokensOf(body.messages);
    prompts.tokens += promptTokens;
    prompts.cacheHits += cachedTokens;
    try {
      await engine.generate(completionTokens, gone.signal, promptTokens - cachedTokens);
    } catch (err) {
      if (err instanceof Aborted) return;
      throw err;
    }

    sendJson(res, 200, {
      id: `chatcmpl-${randomBytes(16).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            refusal: null,
            annotations: null,
            audio: null,
            function_call: null,
            tool_calls: [],
            reasoning_content: null,
          },
          logprobs: null,
          finish_reason: finishReason,
          stop_reason: null,
        },
      ],
      service_tier: null,
      system_fingerprint: null,
      usage: {
        prompt_tokens: promptTokens,
        total_tokens: promptTokens + completionTokens,
        completion_tokens: completionTokens,
        // vLLM says this with --enable-prompt-tokens-details; without it, null.
        prompt_tokens_details: { cached_tokens: cachedTokens },
      },
      prompt_logprobs: null,
      kv_transfer_params: null,
    });
  }
}

/**
 * vLLM's scheduler gauges under their own names (what a dashboard of a real server reads), and the simulator's
 * high-water marks besides, so a test can see the most requests ever decoded or queued at once.
 */
function prometheusText(model: string, s: EngineStats, prompts: { tokens: number; cacheHits: number }): string {
  const label = `{model_name="${model.replaceAll('"', '\\"')}"}`;
  return [
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running${label} ${s.running}`,
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting${label} ${s.waiting}`,
    '# TYPE vllm:generation_tokens_total counter',
    `vllm:generation_tokens_total${label} ${s.generatedTokens}`,
    '# TYPE vllm:prompt_tokens_total counter',
    `vllm:prompt_tokens_total${label} ${prompts.tokens}`,
    '# TYPE vllm:prefix_cache_queries_total counter',
    `vllm:prefix_cache_queries_total${label} ${prompts.tokens}`,
    '# TYPE vllm:prefix_cache_hits_total counter',
    `vllm:prefix_cache_hits_total${label} ${prompts.cacheHits}`,
    '# TYPE vllm:request_success_total counter',
    `vllm:request_success_total${label} ${s.finished}`,
    '# TYPE vllm_simulator:max_num_requests_running gauge',
    `vllm_simulator:max_num_requests_running${label} ${s.maxRunning}`,
    '# TYPE vllm_simulator:max_num_requests_waiting gauge',
    `vllm_simulator:max_num_requests_waiting${label} ${s.maxWaiting}`,
    '',
  ].join('\n');
}

/** Valid JSON that breaks the schema the way small models do: a missing field and an out-of-enum value. */
function breakDocument(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { answer: doc };
  const copy = { ...(doc as Record<string, unknown>) };
  const firstKey = Object.keys(copy)[0];
  if (firstKey) delete copy[firstKey];
  copy.priority = 'urgent';
  return copy;
}

/** Rough token count: one per CJK character, one per four other characters. */
export function countTokens(text: string): number {
  const cjk = text.match(/[\u3000-\u9fff\uff00-\uffef]/g)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

function cutToTokens(text: string, tokens: number): string {
  let out = '';
  for (const ch of text) {
    if (countTokens(out + ch) > tokens) break;
    out += ch;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** vLLM's error body: {"error": {message, type, param, code}}. */
function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  param: string | null = null,
): void {
  sendJson(res, status, { error: { message, type, param, code: status } });
}

/**
 * What a small model wrote under the schema with nothing to say, as it was seen from one (SmolLM2, Gemma 3 270M):
 * field names misspelt and echoed, runs repeated, a JSON fragment, a template echoed as an item.
 */
export function junkDocument(zh: boolean): unknown {
  return zh
    ? {
        headline: '标题标题标题',
        summary: '摘要摘要摘要摘要摘要摘要摘要摘要摘要摘要',
        kpiCommentary: {
          revenue: 'revenue',
          orders: ':{',
          units: '单单单单单',
          averageOrderValue: 'averageOrderValue',
        },
        highlights: ['highlight', 'highlight'],
        risks: ['风险风险风险', '风险风险风险'],
        recommendations: [
          { action: 'action (owner): rationale', rationale: 'rationale', priority: 'high', owner: 'owner' },
        ],
        dataQualityNotes: ['dataQualityNotes'],
      }
    : {
        headline: 'hhaedlinc',
        summary: 'summaraykkuo_summaraykkuo',
        kpiCommentary: { revenue: 'rveenue', orders: ':{', units: 'uuuuuu', averageOrderValue: 'averageOrderValue' },
        highlights: ['righlight', 'righlight'],
        risks: ['risks', 'risks'],
        recommendations: [
          { action: 'action (owner): rationale', rationale: 'rationale', priority: 'high', owner: 'owner' },
        ],
        dataQualityNotes: ['dataQualityNotes', 'note', 'note', 'note', 'note'],
      };
}
