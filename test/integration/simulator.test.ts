import type { ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVllm } from '../../gpu/readiness';
import { spawnSimulator, startSimulator } from '../../dev/simulator/launch';
import { countTokens } from '../../dev/simulator/server';
import { checkReportAnswer } from '../../report/answer-check';
import { narrativeSchema } from '../../schemas/narrative.schema';
import { freePort } from '../helpers/harness';

const MODEL = 'Qwen/Qwen2.5-7B-Instruct';

describe('vLLM simulator, as a process over HTTP', () => {
  let sim: ChildProcess;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    sim = spawnSimulator(port, ['--api-key', 'k3y', '--boot-delay-ms', '1500', '--max-model-len', '4096']).process;
    // During the boot delay the port is closed, as vLLM's is while it loads weights.
    expect(await probeVllm(base, MODEL, 'k3y')).toEqual({ ready: false, reason: 'ECONNREFUSED' });
    const deadline = Date.now() + 30_000;
    while (!(await probeVllm(base, MODEL, 'k3y')).ready) {
      if (Date.now() > deadline) throw new Error('simulator never became ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    sim?.kill('SIGTERM');
  });

  it('serves /health with an empty 200 and lists the model like vLLM', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    const models = (await (await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer k3y' } })).json()) as {
      object: string;
      data: { id: string; owned_by: string; max_model_len: number }[];
    };
    expect(models.object).toBe('list');
    expect(models.data[0]).toMatchObject({ id: MODEL, owned_by: 'vllm', max_model_len: 4096 });
  });

  it('guards /v1 with the API key the way vLLM does', async () => {
    const res = await fetch(`${base}/v1/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    expect(res.headers.get('x-vllm-simulator')).toBe('true');
  });

  it('answers json_schema requests with JSON valid for the schema, through the openai SDK', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'k3y', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: MODEL,
      max_tokens: 1500,
      messages: [
        { role: 'system', content: 'Write the weekly report.' },
        {
          role: 'user',
          content:
            'Write the weekly sales report from these facts.\n\n[revenue] Revenue: This week ¥1,200, Last week ¥1,000, Change +20.0%',
        },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weekly_sales_report', schema: narrativeSchema },
      },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.system_fingerprint).toBeNull();
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    const check = checkReportAnswer(choice.message.content, choice.finish_reason);
    expect(check.ok).toBe(true);
    expect(check.ok && check.report.headline).toContain('1,200');
  });

  it('cuts the answer at max_tokens with finish_reason "length"', async () => {
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'k3y', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: MODEL,
      max_tokens: 20,
      messages: [{ role: 'user', content: 'report' }],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: narrativeSchema } },
    });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(20);
    expect(checkReportAnswer(completion.choices[0]!.message.content, 'length').ok).toBe(false);
  });

  it('returns vLLM error bodies: 404 for an unknown model, 400 over the context length', async () => {
    const unknown = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k3y', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { message: 'The model `gpt-4` does not exist.', type: 'NotFoundError', param: 'model', code: 404 },
    });
    const tooLong = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k3y', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 4000, messages: [{ role: 'user', content: 'x'.repeat(2000) }] }),
    });
    expect(tooLong.status).toBe(400);
    const body = (await tooLong.json()) as { error: { type: string; message: string; code: number } };
    expect(body.error).toMatchObject({ type: 'BadRequestError', code: 400 });
    expect(body.error.message).toContain('maximum context length is 4096 tokens');
  });
});

describe('vLLM simulator, batching as vLLM schedules', () => {
  it('decodes at most --max-num-seqs at once, queues the rest first come first served, and shows both on /metrics', async () => {
    const sim = await startSimulator([
      '--tokens-per-second',
      '100',
      '--aggregate-tokens-per-second',
      '200',
      '--max-num-seqs',
      '3',
    ]);
    const gauges = async () => {
      const text = await (await fetch(`${sim.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      return {
        running: value('vllm:num_requests_running'),
        waiting: value('vllm:num_requests_waiting'),
        maxRunning: value('vllm_simulator:max_num_requests_running'),
        maxWaiting: value('vllm_simulator:max_num_requests_waiting'),
        tokens: value('vllm:generation_tokens_total'),
        finished: value('vllm:request_success_total'),
      };
    };
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
      const answers = Promise.all(
        Array.from({ length: 7 }, () =>
          client.chat.completions.create({
            model: MODEL,
            max_tokens: 40,
            messages: [{ role: 'user', content: 'report' }],
            response_format: { type: 'json_schema', json_schema: { name: 'r', schema: narrativeSchema } },
          }),
        ),
      );
      // While they decode: three run, four wait (each of the three at 200 / 3 tok/s, 40 tokens: about 0.6 s).
      let seen = await gauges();
      for (let i = 0; i < 100 && !(seen.running === 3 && seen.waiting === 4); i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await gauges();
      }
      expect(seen).toMatchObject({ running: 3, waiting: 4 });
      const done = await answers;
      expect(done.map((c) => c.usage?.completion_tokens)).toEqual(Array(7).fill(40));
      expect(await gauges()).toEqual({
        running: 0,
        waiting: 0,
        maxRunning: 3,
        maxWaiting: 4,
        tokens: 280,
        finished: 7,
      });
    } finally {
      sim.stop();
    }
  });

  it('prefills each prompt but the cached system prompt, and says how much was cached as vLLM does', async () => {
    // Prompts at 2,000 tokens a second; the system prompt, once seen, is in the cache and costs no prefill.
    const sim = await startSimulator(['--prefill-tokens-per-second', '2000']);
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'EMPTY', maxRetries: 0 });
      const system = 'Write the report from the facts given. '.repeat(100);
      const ask = async (question: string) => {
        const started = Date.now();
        const c = await client.chat.completions.create({
          model: 'Qwen/Qwen2.5-7B-Instruct',
          max_tokens: 50,
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
          ],
        });
        return { usage: c.usage!, seconds: (Date.now() - started) / 1000 };
      };
      const first = await ask('a'.repeat(4000));
      const second = await ask('b'.repeat(4000));
      const systemBlocks = Math.floor(countTokens(system) / 16) * 16;
      expect(systemBlocks).toBeGreaterThan(900);
      expect(first.usage.prompt_tokens_details?.cached_tokens).toBe(0);
      expect(second.usage.prompt_tokens_details?.cached_tokens).toBe(systemBlocks);
      // About 1,980 prompt tokens at 2,000 a second: the first answer cannot come sooner than that.
      expect(first.seconds).toBeGreaterThan((first.usage.prompt_tokens / 2000) * 0.95);
      const metrics = await (await fetch(`${sim.url}/metrics`)).text();
      const counter = (name: string) => Number(new RegExp(`^vllm:${name}\\{[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1]);
      expect(counter('prompt_tokens_total')).toBe(first.usage.prompt_tokens + second.usage.prompt_tokens);
      expect(counter('prefix_cache_hits_total')).toBe(systemBlocks);
    } finally {
      sim.stop();
    }
  });
});
