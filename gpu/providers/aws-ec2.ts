import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GpuInstance, GpuProvider, InstanceState } from './provider';

export interface AwsEc2Options {
  region: string;
  instanceIds: string[];
  address: 'private-ip' | 'public-ip';
  port: number;
  endpointUrl?: string;
  apiEndpoint?: string;
  stateTimeoutSeconds: number;
  pollIntervalSeconds: number;
}

export const MANAGED_TAG = 'sales-report:managed';
export const HOLDER_TAG = 'sales-report:holder';

/** Capacity is per availability zone and instance type: another candidate may well have it. */
const TRY_NEXT = new Set(['InsufficientInstanceCapacity', 'InsufficientCapacity', 'Unsupported']);

function errorCode(err: unknown): string | undefined {
  return (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name;
}

/**
 * EC2 instances that run vLLM on boot (a systemd unit), stopped between reports. Starting uses the first candidate
 * that can run; an instance already running is used as it is, never restarted. Throttling is retried by the SDK
 * (adaptive mode); "IncorrectInstanceState" is answered by looking at the state again.
 */
export class AwsEc2Provider implements GpuProvider {
  readonly name = 'aws-ec2';
  private readonly ec2: EC2Client;

  constructor(private readonly options: AwsEc2Options) {
    this.ec2 = new EC2Client({
      region: options.region,
      endpoint: options.apiEndpoint,
      retryMode: 'adaptive',
      maxAttempts: 5,
    });
  }

  async start(owner: string): Promise<GpuInstance> {
    const refused: string[] = [];
    for (const id of this.options.instanceIds) {
      try {
        return await this.startOne(id, owner);
      } catch (err) {
        const code = errorCode(err);
        if (!code || !TRY_NEXT.has(code)) throw err;
        refused.push(`${id}: ${code}`);
      }
    }
    throw new Error(`no candidate instance could start (${refused.join('; ')})`);
  }

  private async startOne(id: string, owner: string): Promise<GpuInstance> {
    let instance = await this.describeOne(id);
    const state = instance.State?.Name;
    if (state === 'terminated' || state === 'shutting-down') {
      throw Object.assign(new Error(`${id} is ${state}`), { name: 'Unsupported' });
    }
    if (state === 'stopping') instance = await this.waitFor(id, ['stopped']);
    if (instance.State?.Name === 'stopped') {
      try {
        await this.ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      } catch (err) {
        // Someone else changed its state between our look and our request: look again and go on from there.
        if (errorCode(err) !== 'IncorrectInstanceState') throw err;
      }
    }
    await this.ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: MANAGED_TAG, Value: 'true' },
          { Key: HOLDER_TAG, Value: owner.slice(0, 255) },
        ],
      }),
    );
    const running = await this.waitFor(id, ['running']);
    return { instanceId: id, endpoint: this.endpointOf(running) };
  }

  async waitReady(instance: GpuInstance): Promise<void> {
    const state = (await this.describeOne(instance.instanceId)).State?.Name;
    if (state !== 'running' && state !== 'pending') throw new Error(`instance ${instance.instanceId} is ${state}`);
  }

  async stop(instance: GpuInstance): Promise<void> {
    try {
      await this.ec2.send(new StopInstancesCommand({ InstanceIds: [instance.instanceId] }));
    } catch (err) {
      // Already stopping or stopped (or pending: then wait and stop again below).
      if (errorCode(err) !== 'IncorrectInstanceState') throw err;
    }
    const settled = await this.waitFor(instance.instanceId, ['stopped', 'terminated', 'running']);
    if (settled.State?.Name === 'running') await this.stop(instance);
  }

  async describe(instance: GpuInstance): Promise<{ state: InstanceState; detail?: string }> {
    const name = (await this.describeOne(instance.instanceId)).State?.Name;
    const state: InstanceState =
      name === 'running'
        ? 'running'
        : name === 'pending'
          ? 'starting'
          : name === 'stopping' || name === 'shutting-down'
            ? 'stopping'
            : name === 'stopped' || name === 'terminated'
              ? 'stopped'
              : 'unknown';
    return { state, detail: `EC2 ${instance.instanceId} ${name ?? 'unknown'}` };
  }

  private endpointOf(instance: Instance): string {
    if (this.options.endpointUrl) return this.options.endpointUrl.replace(/\/+$/, '');
    const ip = this.options.address === 'public-ip' ? instance.PublicIpAddress : instance.PrivateIpAddress;
    if (!ip) throw new Error(`instance ${instance.InstanceId} has no ${this.options.address} address`);
    return `http://${ip}:${this.options.port}`;
  }

  private async describeOne(id: string): Promise<Instance> {
    const out = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    if (!instance) throw new Error(`instance ${id} not found in ${this.options.region}`);
    return instance;
  }

  private async waitFor(id: string, states: string[]): Promise<Instance> {
    const deadline = Date.now() + this.options.stateTimeoutSeconds * 1000;
    for (;;) {
      const instance = await this.describeOne(id);
      if (states.includes(instance.State?.Name ?? '')) return instance;
      if (Date.now() > deadline) {
        throw new Error(
          `instance ${id} still ${instance.State?.Name} after ${this.options.stateTimeoutSeconds}s (waiting for ${states.join(' or ')})`,
        );
      }
      await sleep(this.options.pollIntervalSeconds * 1000);
    }
  }
}
