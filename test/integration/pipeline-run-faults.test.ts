import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ReportOutcome } from '../../temporal/search-attributes';
import { expectGpuStopped, failureOf, recordHistory, waitForStage, withHarness } from '../helpers/harness';

const HEADER = '订单号,订单日期,商品,品类,地区,渠道,数量,单价,金额';

describe('runs that meet trouble', () => {
  it('sends exactly one report when the SMTP relay refuses the first two attempts', () =>
    withHarness({ smtp: { refuseFirst: 2 } }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      expect(h.sink.messages).toHaveLength(1);
      expect(h.sink.messages[0]!.parsed.messageId).toBe(result.messageId);
      const history = await handle.fetchHistory();
      const sendScheduled = history.events?.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendReportEmail',
      );
      const sendStarted = history.events?.find(
        (e) =>
          e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === sendScheduled?.eventId?.toString(),
      );
      expect(sendStarted?.activityTaskStartedEventAttributes?.attempt).toBe(3);
    }));

  it('stops the GPU when the run is cancelled during generation', () =>
    withHarness({ simArgs: ['--latency-ms', '60000'] }, async (h) => {
      const handle = await h.start();
      const outcome = h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          await handle.cancel();
          return failureOf(handle.result());
        })(),
      );
      const { error } = await outcome;
      await recordHistory(handle, 'cancelled-during-generation');
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      const description = await handle.describe();
      expect(description.status.name).toBe('CANCELLED');
      expect(description.typedSearchAttributes.get(ReportOutcome)).toBe('cancelled');
      await expectGpuStopped(h);
      expect(h.sink.messages).toHaveLength(0);
    }));

  it('with llm.onModelDown "fail": fails clearly and stops the GPU when it boots slower than the ready timeout', () =>
    withHarness(
      {
        simArgs: ['--boot-delay-ms', '60000'],
        config: { gpu: { readyTimeoutSeconds: 2 }, llm: { onModelDown: 'fail' } },
      },
      async (h) => {
        const handle = await h.start();
        const { messages } = await failureOf(h.withWorker(handle.result()));
        await recordHistory(handle, 'failed-gpu-not-ready');
        expect(messages).toContain('failed while waiting for GPU');
        expect(messages).toMatch(/not ready after 2s \(last probe: ECONNREFUSED\)/);
        await expectGpuStopped(h);
        const [alert] = await h.sink.waitForMessages(1, 10_000);
        expect(alert!.parsed.subject).toContain('waiting for GPU');
      },
    ));

  it('by default a GPU that never serves leaves a numbers-only report at its time, GPU stopped, ops told', () =>
    withHarness({ simArgs: ['--boot-delay-ms', '60000'], config: { gpu: { readyTimeoutSeconds: 2 } } }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      await recordHistory(handle, 'sent-numbers-only-gpu-never-ready');
      expect(result.outcome).toBe('sent-numbers-only');
      expect(result.llm?.narrativeWithheld?.reason).toMatch(
        /^the model could not be reached \(no call reached the model\) while waiting for GPU: .*not ready after 2s/,
      );
      await expectGpuStopped(h);
      const mails = await h.sink.waitForMessages(2, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(report.parsed.text).toMatch(/销售额: ¥[\d,]+ \(/);
      expect(alert.parsed.subject).toContain('[NARRATIVE WITHHELD]');
      expect(alert.parsed.text).toContain('no call reached the model');
    }));

  it('names file and column when a required column is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-input-'));
    const path = join(dir, 'no-channel.csv');
    await writeFile(path, '订单号,订单日期,商品,品类,地区,数量,金额\nSO1,2026-11-15,耳机,数码,华东,1,99\n');
    await withHarness({ dataPath: path }, async (h) => {
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toContain('no-channel.csv row 1: missing column channel (one of: Channel, 渠道)');
      await expectGpuStopped(h);
    });
  });

  it('names file, row and column when too many cells cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-input-'));
    const path = join(dir, 'dirty.csv');
    const rows = [HEADER];
    for (let i = 0; i < 10; i++)
      rows.push(`SO${i},2026-11-1${i % 7},耳机,数码,华东,天猫,1,99,${i < 3 ? 'abc' : '¥1,234.50'}`);
    rows.push('SO99,2026-13-45,耳机,数码,华东,天猫,1,99,10');
    await writeFile(path, `${rows.join('\n')}\n`);
    await withHarness({ dataPath: path }, async (h) => {
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toContain('4 of 11 rows (36.4%) cannot be read, over the allowed 2.0%');
      expect(messages).toContain('dirty.csv row 2, column 金额: "abc" is not an amount');
      expect(messages).toContain('dirty.csv row 12, column 订单日期: "2026-13-45" is not a valid calendar date');
      expect(h.sink.messages.map((m) => m.parsed.subject)).toEqual([expect.stringContaining('[FAILED]')]);
    });
  });
});
