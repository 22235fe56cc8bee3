import { randomUUID } from 'node:crypto';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsEc2Provider, HOLDER_TAG, MANAGED_TAG } from '../../gpu/providers/aws-ec2';
import { startSimulator, type RunningSimulator } from '../../dev/simulator/launch';
import type { gpuReaper } from '../../workflows';
import { WORKFLOW_TYPES, type MorningAudit, type MorningReportResult } from '../../temporal/contracts';
import { createHarness, expectGpuStopped, failureOf, recordHistory, waitForStage } from '../helpers/harness';
import { startEc2StandIn, startMoto, type Ec2StandIn, type Moto } from '../helpers/moto';
import { modelCalls } from '../helpers/history';
import { exportThroughYesterday, triggeredMorning } from '../helpers/schedule';

const REGION = 'us-east-1';
const noRecord = async () => {};

describe('aws-ec2 provider against moto', () => {
  let moto: Moto;
  let standIn: Ec2StandIn;
  let ec2: EC2Client;
  const sims: RunningSimulator[] = [];

  /** vLLM as the GPU instance would run it on boot: here a simulator on loopback, always on. */
  async function startVllm(extra: string[] = []): Promise<string> {
    const sim = await startSimulator(extra);
    sims.push(sim);
    return sim.url;
  }

  async function newInstance(state: 'stopped' | 'running'): Promise<string> {
    const out = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12c6146b', InstanceType: 'g6.xlarge', MinCount: 1, MaxCount: 1 }),
    );
    const id = out.Instances![0]!.InstanceId!;
    if (state === 'stopped') await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    return id;
  }

  async function stateOf(id: string): Promise<string | undefined> {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
  }

  async function tagsOf(id: string): Promise<Record<string, string>> {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return Object.fromEntries((out.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).map((t) => [t.Key!, t.Value!]));
  }

  /** The aws-ec2 section of a config: one instance behind the stand-in, vLLM at `vllm`. */
  function ec2Settings(id: string, vllm: string) {
    return {
      region: REGION,
      instanceIds: [id],
      endpointUrl: vllm,
      apiEndpoint: standIn.url,
      stateTimeoutSeconds: 30,
      address: 'private-ip' as const,
      port: 8000,
    };
  }

  function provider(instanceIds: string[], endpointUrl?: string) {
    return new AwsEc2Provider({
      region: REGION,
      instanceIds,
      address: 'private-ip',
      port: 8000,
      endpointUrl,
      apiEndpoint: standIn.url,
      stateTimeoutSeconds: 30,
      pollIntervalSeconds: 0.2,
    });
  }

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION });
    moto = await startMoto();
    standIn = await startEc2StandIn(moto.url);
    ec2 = new EC2Client({ region: REGION, endpoint: moto.url });
  });
  afterAll(async () => {
    for (const s of sims) s.stop();
    await standIn?.close();
    moto?.stop();
  });

  it('tries the next candidate on InsufficientInstanceCapacity, tags what it starts, and stops it', async () => {
    const [a, b] = [await newInstance('stopped'), await newInstance('stopped')];
    standIn.noCapacity.add(a);
    const p = provider([a, b]);
    const instance = await p.start('report-1/run-1', noRecord);
    expect(instance.instanceId).toBe(b);
    expect(instance.endpoint).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8000$/);
    expect(standIn.actions).toEqual(expect.arrayContaining([`StartInstances ${a}`, `StartInstances ${b}`]));
    expect(await stateOf(a)).toBe('stopped');
    expect(await stateOf(b)).toBe('running');
    expect(await tagsOf(b)).toMatchObject({ [MANAGED_TAG]: 'true', [HOLDER_TAG]: 'report-1/run-1' });

    await p.stop(instance);
    expect(await stateOf(b)).toBe('stopped');
    await p.stop(instance); // stopping a stopped instance is success
    expect((await p.describe(instance)).state).toBe('stopped');
  });

  it('fails with every candidate named when none has capacity', async () => {
    const [a, b] = [await newInstance('stopped'), await newInstance('stopped')];
    standIn.noCapacity.add(a).add(b);
    await expect(provider([a, b]).start('report-2/run-1', noRecord)).rejects.toThrow(
      new RegExp(
        `no candidate instance could start \\(${a}: InsufficientInstanceCapacity: .*; ${b}: InsufficientInstanceCapacity: `,
      ),
    );
  });

  it('uses an instance that is already running instead of restarting it', async () => {
    const c = await newInstance('running');
    const instance = await provider([c]).start('report-3/run-1', noRecord);
    expect(instance.instanceId).toBe(c);
    expect(standIn.actions).not.toContain(`StartInstances ${c}`);
    expect(standIn.actions).not.toContain(`StopInstances ${c}`);
  });

  it("names AWS's own error when a start is refused (IncorrectInstanceState) and tries the next candidate", async () => {
    const [a, b] = [await newInstance('stopped'), await newInstance('stopped')];
    const words = `The instance '${a}' is not in a state from which it can be started.`;
    standIn.refuse('StartInstances', a, 'IncorrectInstanceState', words);
    const recorded: { id: string; actionsSoFar: number }[] = [];
    const record = async (id: string) => void recorded.push({ id, actionsSoFar: standIn.actions.length });
    const instance = await provider([a, b]).start('report-4/run-1', record);
    expect(instance.instanceId).toBe(b);
    // Each candidate was recorded before it was asked for: a start that fails half-way is still found and stopped.
    for (const { id, actionsSoFar } of recorded) {
      expect(standIn.actions.indexOf(`StartInstances ${id}`)).toBeGreaterThanOrEqual(actionsSoFar);
    }
    expect(recorded.map((r) => r.id)).toEqual([a, b]);
    await expect(provider([a]).start('report-4/run-2', noRecord)).rejects.toThrow(
      `no candidate instance could start (${a}: IncorrectInstanceState: ${words})`,
    );
  });

  it('an instance left pending past the state timeout is stopped and billed, and the alert says so', async () => {
    const id = await newInstance('stopped');
    standIn.stuckPending.add(id);
    const h = await createHarness({
      config: {
        gpu: { provider: 'aws-ec2', awsEc2: { ...ec2Settings(id, 'http://127.0.0.1:9'), stateTimeoutSeconds: 1 } },
        timeouts: { retryMaximumAttempts: 2 },
        llm: { onModelDown: 'fail' },
      },
    });
    try {
      const handle = await h.start();
      const failure = await failureOf(h.withWorker(handle.result()));
      expect(failure.messages).toContain(`EC2 ${id}: still pending after 1s (waiting for running)`);
      // The pool recorded the instance before asking EC2 to start it, so the failed start is stopped and billed.
      expect(await stateOf(id)).toBe('stopped');
      expect(standIn.actions.filter((a) => a.endsWith(id))).toContain(`StopInstances ${id}`);
      const [entry] = await expectGpuStopped(h);
      expect(entry).toMatchObject({ instanceId: id, stopReason: expect.stringMatching(/^start failed: /) as string });
      const billed = (Date.parse(entry!.stoppedAt!) - Date.parse(entry!.requestedAt)) / 1000;
      expect(billed).toBeGreaterThan(0);
      const [alert] = await h.sink.waitForMessages(1, 10_000);
      expect(alert!.parsed.text).toContain('GPU: given back to the pool, which stops it when no run holds it');
      console.log(`EC2 stuck pending: stopped by the pool, ${billed.toFixed(1)}s billed (ledger)`);
    } finally {
      standIn.stuckPending.delete(id);
      await h.close();
    }
  });

  it('a refused StopInstances (UnauthorizedOperation) does not hold the report: sent, ops told, not retried, reaper stops it once allowed', async () => {
    const id = await newInstance('stopped');
    const vllm = await startVllm();
    const words = 'You are not authorized to perform this operation.';
    standIn.refuse('StopInstances', id, 'UnauthorizedOperation', words);
    const h = await createHarness({
      config: {
        gpu: { provider: 'aws-ec2', reaper: { idleGraceSeconds: 0 }, awsEc2: ec2Settings(id, vllm) },
        email: { to: ['sales@example.com'], cc: [] },
      },
    });
    try {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      await recordHistory(h.client.workflow.getHandle(h.poolId), 'gpu-pool-stop-refused');
      expect(result.outcome).toBe('sent');
      const mails = await h.sink.waitForMessages(2, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(report.parsed.subject).toContain('2026-11-13');
      // The pool, which owns the instance, tells ops at once and names the cloud's own error and the instance.
      expect(alert.parsed.subject).toBe(`[GPU NOT STOPPED] ${id}`);
      expect(alert.parsed.text).toContain(
        `GPU NOT stopped: ${id}, EC2 StopInstances ${id}: UnauthorizedOperation: ${words}`,
      );
      // A permanent refusal is not retried for a day: each stop asked the cloud once.
      const stopCalls = standIn.actions.filter((a) => a === `StopInstances ${id}`).length;
      expect(stopCalls).toBe(2); // the bounded try, and the one after the alert
      expect(await stateOf(id)).toBe('running');
      expect((await handle.describe()).memo?.audit).toMatchObject({ outcome: 'sent' });

      // Still refused: the reaper says so and goes on; once allowed, it stops the instance.
      const sweep = () =>
        h.withWorker(
          h.client.workflow.execute<typeof gpuReaper>(WORKFLOW_TYPES.gpuReaper, {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: `gpu-reaper-${handle.workflowId}-${Date.now()}`,
          }),
        );
      expect((await sweep()).find((r) => r.instanceId === id)).toMatchObject({
        action: 'needs attention',
        reason: expect.stringContaining('UnauthorizedOperation') as string,
      });
      standIn.refuse('StopInstances', id, '', '');
      expect((await sweep()).find((r) => r.instanceId === id)).toMatchObject({ action: 'stopped' });
      expect(await stateOf(id)).toBe('stopped');
    } finally {
      await h.close();
    }
  });

  it('the reaper also stops what EC2 says is ours (tagged) when no ledger entry holds it, and nothing else', async () => {
    const [orphan, foreign] = [await newInstance('running'), await newInstance('running')];
    await ec2.send(
      new CreateTagsCommand({
        Resources: [orphan],
        Tags: [
          { Key: MANAGED_TAG, Value: 'true' },
          { Key: HOLDER_TAG, Value: 'report-lost/run' },
        ],
      }),
    );
    const h = await createHarness({
      config: {
        gpu: {
          provider: 'aws-ec2',
          reaper: { idleGraceSeconds: 0 },
          awsEc2: ec2Settings(orphan, 'http://127.0.0.1:9'),
        },
      },
    });
    try {
      const sweep = await h.withWorker(
        h.client.workflow.execute<typeof gpuReaper>(WORKFLOW_TYPES.gpuReaper, {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: `gpu-reaper-tags-${orphan}`,
        }),
      );
      expect(sweep.find((r) => r.instanceId === orphan)).toMatchObject({
        action: 'stopped',
        holder: 'report-lost/run',
        reason: 'tagged as managed by sales-report but held by no run in the ledger',
      });
      expect(sweep.find((r) => r.instanceId === foreign)).toBeUndefined();
      expect(await stateOf(orphan)).toBe('stopped');
      expect(await stateOf(foreign)).toBe('running');
    } finally {
      await h.close();
    }
  });

  it('runs a whole report on an EC2 instance and leaves it stopped', async () => {
    const id = await newInstance('stopped');
    const vllm = await startVllm();
    const h = await createHarness({
      config: {
        gpu: {
          provider: 'aws-ec2',
          hourlyPrice: 0.98,
          awsEc2: ec2Settings(id, vllm),
        },
      },
    });
    try {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      // The run's bill is its share of the pool's instance (alone: all of its lease).
      expect(result.gpu).toMatchObject({ provider: 'aws-ec2', instanceIds: [`pool:${h.poolId}`], currency: 'USD' });
      expect(result.gpu!.billedSeconds).toBeGreaterThan(0);
      // Both figures are rounded (0.1 s, 0.0001 USD): they agree to within those roundings.
      const expected = (result.gpu!.billedSeconds * 0.98) / 3600;
      expect(Math.abs(result.gpu!.estimatedCost - expected)).toBeLessThanOrEqual(0.00005 + (0.05 * 0.98) / 3600);
      const [entry] = await expectGpuStopped(h);
      expect(entry!.instanceId).toBe(id);
      expect(await stateOf(id)).toBe('stopped');
      // Started once, tagged, stopped once.
      expect(standIn.actions.filter((a) => a.endsWith(id))).toEqual([
        `StartInstances ${id}`,
        `CreateTags ${id}`,
        `StopInstances ${id}`,
      ]);
    } finally {
      await h.close();
    }
  });

  it('a fleet planned at three with one candidate out of capacity finishes on the two that started, each stopped', async () => {
    const [a, b, c] = [await newInstance('stopped'), await newInstance('stopped'), await newInstance('stopped')];
    standIn.noCapacity.add(b);
    const vllm = await startVllm(['--tokens-per-second', '150', '--max-num-seqs', '1']);
    const h = await createHarness({
      dataPath: await exportThroughYesterday(),
      config: {
        // 4 reports × 400 completion tokens ÷ 100 tok/s = 16 GPU-s; 8 s − 1 s boot: ⌈16 ÷ 7⌉ = 3 instances.
        reports: ['r1', 'r2', 'r3', 'r4'].map((id) => ({ id, period: 'day' as const })),
        schedule: { id: `fleet-ec2-${randomUUID().slice(0, 8)}`, paused: true, deadline: '8s' },
        gpu: {
          provider: 'aws-ec2',
          awsEc2: { ...ec2Settings(a, vllm), instanceIds: [a, b, c] },
          pool: { maxInstances: 3, holderCheckSeconds: 2 },
          serving: { bootSeconds: 1, decodeTokensPerSecond: 100, prefillTokensPerSecond: 1_000_000 },
        },
        llm: { maxConcurrentRequests: 1 },
      },
    });
    const { schedule, morning } = await triggeredMorning(h);
    try {
      const results = (await h.withWorker(morning.result())) as MorningReportResult[];
      expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent', 'sent']);
      expect(((await morning.describe()).memo?.audit as MorningAudit).deadline).toMatchObject({ instancesPlanned: 3 });
      // Three starts were made: a, then b (no capacity) and c for the second, and none left for the third.
      const started = standIn.actions.filter((x) => x.startsWith('StartInstances'));
      expect(started).toEqual(
        expect.arrayContaining([`StartInstances ${a}`, `StartInstances ${b}`, `StartInstances ${c}`]),
      );
      await expectGpuStopped(h);
      expect([await stateOf(a), await stateOf(c)]).toEqual(['stopped', 'stopped']);
      const entries = await h.ledgerEntries();
      expect(entries.filter((e) => e.stopReason?.startsWith('start failed'))).toHaveLength(1);
      // The reports were written on the two that started.
      const served = new Set<string>();
      for (const r of results)
        for (const call of await modelCalls(h.client.workflow.getHandle(r.workflowId))) served.add(call.instanceId);
      expect([...served].sort()).toEqual([a, c].sort());
    } finally {
      standIn.noCapacity.delete(b);
      await schedule.delete();
      await h.close();
    }
  });

  it('a run terminated mid-generation: the pool notices within its holder check and stops the instance', async () => {
    const id = await newInstance('stopped');
    const vllm = await startVllm(['--latency-ms', '60000']);
    const h = await createHarness({ config: { gpu: { provider: 'aws-ec2', awsEc2: ec2Settings(id, vllm) } } });
    try {
      const handle = await h.start();
      const outcome = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          await handle.terminate('stuck');
          return { terminatedAt: Date.now(), runningAfterTerminate: await stateOf(id) };
        })(),
      );
      expect(outcome.runningAfterTerminate).toBe('running');
      expect(await stateOf(id)).toBe('stopped');
      const [entry] = await expectGpuStopped(h);
      const pastNeed = (Date.parse(entry!.stoppedAt!) - outcome.terminatedAt) / 1000;
      expect(pastNeed).toBeLessThan(10);
      console.log(`EC2 (moto): terminate → instance stopped by the pool ${pastNeed.toFixed(1)}s later`);
    } finally {
      await h.close();
    }
  });
});
