import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseBook } from '../../gpu/leases';
import { ReportOutcome } from '../../temporal/search-attributes';
import { failureOf, recordHistory, REPORT_DATE, withHarness, type Harness } from '../helpers/harness';
import { startMoto, type Moto } from '../helpers/moto';
import { startS3Outage } from '../helpers/s3-outage';

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const reportMails = (h: Harness) => h.sink.messages.filter((m) => !m.envelope.to.includes('ops@example.com'));
const alerts = (h: Harness) => h.sink.messages.filter((m) => m.envelope.to.includes('ops@example.com'));

/** A bucket in moto's S3, for a store behind a stand-in. */
async function createBucket(moto: Moto, bucket: string): Promise<string> {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  return bucket;
}

/** Sent once, only to the people meant: each fault injected, deliveries counted at the SMTP server. */
describe('delivery: once, to the people meant, and said when it is not', () => {
  let moto: Moto;
  beforeAll(async () => {
    Object.assign(process.env, AWS_ENV);
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  it('the store goes away between the relay’s 250 and the sent-record, and comes back: one delivery, run "sent"', async () => {
    const outage = await startS3Outage(moto.url);
    const bucket = await createBucket(moto, `delivery-${process.pid}`);
    try {
      await withHarness(
        {
          // The relay holds its 250 for 1.5 s; the store goes away as the message arrives and returns 6 s later.
          smtp: {
            acceptDelayMs: 1500,
            onData: () => {
              if (outage.down) return;
              outage.down = true;
              setTimeout(() => (outage.down = false), 6000);
            },
          },
          config: {
            store: {
              kind: 's3',
              s3: { bucket, endpoint: outage.url, forcePathStyle: true, region: 'us-east-1', prefix: 'sr/' },
            },
          },
        },
        async (h) => {
          const handle = await h.start();
          const result = await h.withWorker(handle.result());
          expect(result.outcome).toBe('sent');
          expect(outage.refused).toBeGreaterThan(0);
          expect(reportMails(h)).toHaveLength(1);
          expect(reportMails(h)[0]!.parsed.messageId).toBe(result.messageId);
        },
      );
    } finally {
      await outage.close();
    }
  });

  it('a store that answers 200 to the send claim and does not keep it: no email, a store fault told to ops, and the date still goes out once', async () => {
    const lossy = await startS3Outage(moto.url);
    const bucket = await createBucket(moto, `lossy-${process.pid}`);
    lossy.dropWrites = (path) => path.includes('/report-sends/');
    try {
      await withHarness(
        {
          config: {
            store: {
              kind: 's3',
              s3: { bucket, endpoint: lossy.url, forcePathStyle: true, region: 'us-east-1', prefix: 'sr/' },
            },
          },
        },
        async (h) => {
          // Two runs of the date while the store drops the claims: neither sends, each fails as a store fault.
          for (const attempt of [1, 2]) {
            const { messages } = await failureOf(h.withWorker((await h.start()).result()));
            expect(messages, `run ${attempt}`).toContain(
              "acknowledged this report's send claim and does not have it: a store that loses writes, so nothing was sent",
            );
          }
          expect(lossy.dropped).toBeGreaterThanOrEqual(2);
          expect(reportMails(h)).toHaveLength(0);
          const told = alerts(h).map((m) => m.parsed.subject);
          expect(told).toHaveLength(2);
          expect(told[0]).toMatch(/^\[FAILED\] Sales report 2026-11-20 \(sending email\): .*does not have it/);
          // The store mended: the date goes out, once, and a run after it finds it sent.
          lossy.dropWrites = undefined;
          const sent = await h.withWorker((await h.start()).result());
          expect(sent.outcome).toBe('sent');
          expect((await h.withWorker((await h.start()).result())).outcome).toBe('already-sent');
          expect(reportMails(h).map((m) => m.parsed.messageId)).toEqual([sent.messageId]);
        },
      );
    } finally {
      await lossy.close();
    }
  });

  it('a store that answers 200 to the record after the relay’s 250 and does not keep it: the report is sent once, ops hear of a store fault, a second run sends nothing', async () => {
    const lossy = await startS3Outage(moto.url);
    const bucket = await createBucket(moto, `lossy-record-${process.pid}`);
    try {
      await withHarness(
        {
          // The claim is kept; from the message's arrival on, the store drops every write of the send's record.
          smtp: { onData: () => (lossy.dropWrites = (path) => path.includes('/report-sends/')) },
          config: {
            store: {
              kind: 's3',
              s3: { bucket, endpoint: lossy.url, forcePathStyle: true, region: 'us-east-1', prefix: 'sr/' },
            },
          },
        },
        async (h) => {
          const first = await h.withWorker((await h.start()).result());
          expect(first.outcome).toBe('sent');
          expect(lossy.dropped).toBeGreaterThanOrEqual(1);
          const told = alerts(h);
          expect(told.map((m) => m.parsed.subject)).toEqual([
            '[STORE FAULT] Sales report 2026-11-20 was sent; its send record was not kept',
          ]);
          expect(told[0]!.parsed.text).toContain(first.messageId);
          expect(told[0]!.parsed.text).toContain('the store acknowledged the record and has it "handed-over"');
          // The claim the store did keep still says the report was handed over: the next run sends nothing.
          const second = await h.withWorker((await h.start()).result());
          expect(second.outcome).toBe('already-sent');
          expect(reportMails(h).map((m) => m.parsed.messageId)).toEqual([first.messageId]);
        },
      );
    } finally {
      await lossy.close();
    }
  });

  it('the relay never answers the end of DATA (past email.smtp.dataTimeoutSeconds): "unknown", no second send, ops told', () =>
    withHarness(
      { smtp: { stallFirst: 1 }, config: { email: { smtp: { dataTimeoutSeconds: 3, connectionTimeoutSeconds: 1 } } } },
      async (h) => {
        const handle = await h.start();
        const result = await h.withWorker(handle.result());
        await recordHistory(handle, 'delivery-unknown');
        expect(result.outcome).toBe('unknown');
        const [alert] = await h.sink.waitForMessages(1, 10_000);
        expect(reportMails(h)).toHaveLength(0);
        expect(alert!.parsed.subject).toBe(`[DELIVERY UNKNOWN] Sales report ${REPORT_DATE}`);
        expect(alert!.parsed.text).toContain(result.messageId);
        expect(alert!.parsed.text).toContain('{"resend": true}');
      },
    ));

  it('the relay refuses a Cc with 550 and takes the To: the refused address is in the result, the memo and an alert', () =>
    withHarness(
      { smtp: { refuseRecipients: ['cfo@example.com'] }, config: { email: { cc: ['cfo@example.com'] } } },
      async (h) => {
        const handle = await h.start();
        const result = await h.withWorker(handle.result());
        await recordHistory(handle, 'sent-recipient-refused');
        expect(result.outcome).toBe('sent');
        expect(result.refusedRecipients).toEqual(['cfo@example.com']);
        expect((await handle.describe()).memo?.audit).toMatchObject({ refusedRecipients: 1, recipientCount: 2 });
        await h.sink.waitForMessages(2, 10_000);
        expect(reportMails(h).map((m) => m.envelope.to)).toEqual([['sales@example.com']]);
        expect(alerts(h)[0]!.parsed.subject).toBe(`[RECIPIENTS REFUSED] Sales report ${REPORT_DATE}: 1 not delivered`);
        expect(alerts(h)[0]!.parsed.text).toContain('cfo@example.com');
      },
    ));

  it('one report per date and audience: a second run ends before the GPU, sends nothing and says so; resend: true sends again', () =>
    withHarness({}, async (h) => {
      const first = await h.withWorker((await h.start({ reportDate: REPORT_DATE })).result());
      const instances = (await h.ledgerEntries()).length;
      const again = await h.start({ reportDate: REPORT_DATE });
      const second = await h.withWorker(again.result());
      await recordHistory(again, 'already-sent-before-lease');
      expect(second.outcome).toBe('already-sent');
      expect(second.sentBy).toBe(`${first.workflowId}/${first.runId}`);
      expect(second.messageId).toBeUndefined(); // the first run's message is not this run's
      expect((await again.describe()).typedSearchAttributes.get(ReportOutcome)).toBe('already-sent');
      // Asked before the lease: no lease, no instance, no model call, no alert.
      expect(await new LeaseBook(h.store).get(`${second.workflowId}/${second.runId}`)).toBeUndefined();
      expect(await h.ledgerEntries()).toHaveLength(instances);
      const activities = (await again.fetchHistory()).events!.flatMap(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
      );
      expect(activities).toEqual([]);
      expect(alerts(h)).toEqual([]);
      expect(reportMails(h)).toHaveLength(1);
      const third = await h.withWorker((await h.start({ reportDate: REPORT_DATE, resend: true })).result());
      expect(third.outcome).toBe('sent');
      await h.sink.waitForMessages(2, 10_000);
      expect(reportMails(h).map((m) => m.parsed.messageId)).toEqual([first.messageId, third.messageId]);
    }));

  it('recipients stay inside: an outside address typed into the Web UI is refused before anything starts; an inside override is reported to ops', () =>
    withHarness({}, async (h) => {
      const outside = await h.start({
        reportDate: REPORT_DATE,
        recipients: ['someone@outside.example'],
        bcc: ['me@example.com'],
      });
      const { messages } = await failureOf(h.withWorker(outside.result()));
      expect(messages).toContain('"someone@outside.example" is not among the allowed recipients (example.com');
      // Nothing went to anyone but ops, who hear who tried, as Temporal recorded who started the run.
      const [refusal] = await h.sink.waitForMessages(1, 10_000);
      expect(reportMails(h)).toHaveLength(0);
      expect(refusal!.parsed.subject).toBe(
        `[RECIPIENTS REFUSED AT START] Sales report ${REPORT_DATE}: someone@outside.example`,
      );
      const identity = (await outside.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!.identity!;
      expect(identity.length).toBeGreaterThan(0);
      expect(refusal!.parsed.text).toContain(`Started by: ${identity}`);

      const inside = await h.start({ reportDate: REPORT_DATE, recipients: ['director@example.com'] });
      const result = await h.withWorker(inside.result());
      expect(result.outcome).toBe('sent');
      await h.sink.waitForMessages(3, 10_000);
      expect(reportMails(h).map((m) => m.envelope.to)).toEqual([['director@example.com']]);
      expect(alerts(h)[1]!.parsed.subject).toBe(
        `[RECIPIENTS OVERRIDDEN] Sales report ${result.reportDate} went to director@example.com`,
      );
    }));
});
