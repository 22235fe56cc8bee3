import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudError,
  type GpuInstance,
  type GpuProvider,
  type InstanceState,
  type ManagedInstance,
  type RecordInstance,
  type StartPlace,
} from './provider';

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
const TRY_NEXT = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'Unsupported',
  'IncorrectInstanceState',
]);
/** Asking again will not help: not allowed, or no such instance. Someone must act. */
const PERMANENT = new Set([
  'UnauthorizedOperation',
  'AuthFailure',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'OptInRequired',
  'Blocked',
]);

function errorCode(err: unknown): string | undefined {
  return (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name;
}

/** The cloud's answer as a CloudError naming the action, the instance and AWS's own code and message. */
function cloudError(action: string, id: string, err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  const code = errorCode(err) ?? 'Error';
  return new CloudError(`EC2 ${action} ${id}: ${code}: ${(err as Error).message}`, code, id, PERMANENT.has(code));
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

  async start(owner: string, record: RecordInstance, where?: StartPlace): Promise<GpuInstance> {
    const refused: string[] = [];
    // A fleet's instance tries the candidates from its place on, so instances started together do not all ask for the
    // first; a candidate another instance of the fleet runs on is not taken.
    const ids = this.options.instanceIds;
    const from = (where?.place ?? 0) % ids.length;
    const taken = new Set((where?.avoid ?? []).map((i) => i.instanceId));
    for (const id of [...ids.slice(from), ...ids.slice(0, from)]) {
      if (taken.has(id)) continue;
      try {
        return await this.startOne(id, owner, record);
      } catch (err) {
        const error = cloudError('StartInstances', id, err);
        if (!TRY_NEXT.has(error.code)) throw error;
        refused.push(error.message.replace(/^EC2 StartInstances /, ''));
      }
    }
    throw new CloudError(
      `no candidate instance could start (${[...refused, ...[...taken].filter((id) => ids.includes(id)).map((id) => `${id}: in use by another instance of the fleet`)].join('; ')})`,
      'NoCandidate',
      this.options.instanceIds.join(','),
      false,
    );
  }

  private async startOne(id: string, owner: string, record: RecordInstance): Promise<GpuInstance> {
    let instance = await this.describeOne(id);
    const state = instance.State?.Name;
    if (state === 'terminated' || state === 'shutting-down') {
      throw new CloudError(`EC2 ${id}: Unsupported: the instance is ${state}`, 'Unsupported', id, false);
    }
    // From here on the instance may run on our account: record it before asking, so a start that fails half-way
    // (left pending, the answer lost) is still stopped.
    await record(id);
    if (state === 'stopping') instance = await this.waitFor(id, ['stopped']);
    if (instance.State?.Name === 'stopped') {
      try {
        await this.ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      } catch (err) {
        // Someone else may have started it between our look and our request: then go on with it. If it is still
        // not starting, the refusal stands, with AWS's own words, and the next candidate is tried.
        if (errorCode(err) !== 'IncorrectInstanceState') throw cloudError('StartInstances', id, err);
        const now = (await this.describeOne(id)).State?.Name;
        if (now !== 'pending' && now !== 'running') throw cloudError('StartInstances', id, err);
      }
    }
    try {
      await this.ec2.send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: [
            { Key: MANAGED_TAG, Value: 'true' },
            { Key: HOLDER_TAG, Value: owner.slice(0, 255) },
          ],
        }),
      );
    } catch (err) {
      throw cloudError('CreateTags', id, err);
    }
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
      if (errorCode(err) !== 'IncorrectInstanceState') throw cloudError('StopInstances', instance.instanceId, err);
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

  async managedInstances(): Promise<ManagedInstance[]> {
    const found: ManagedInstance[] = [];
    let token: string | undefined;
    do {
      const out = await this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${MANAGED_TAG}`, Values: ['true'] },
            { Name: 'instance-state-name', Values: ['pending', 'running'] },
          ],
          NextToken: token,
        }),
      );
      for (const i of (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
        if (!i.InstanceId) continue;
        found.push({
          instanceId: i.InstanceId,
          launchedAt: i.LaunchTime,
          holder: i.Tags?.find((t) => t.Key === HOLDER_TAG)?.Value,
        });
      }
      token = out.NextToken;
    } while (token);
    return found;
  }

  private endpointOf(instance: Instance): string {
    if (this.options.endpointUrl) return this.options.endpointUrl.replace(/\/+$/, '');
    const ip = this.options.address === 'public-ip' ? instance.PublicIpAddress : instance.PrivateIpAddress;
    if (!ip) throw new Error(`instance ${instance.InstanceId} has no ${this.options.address} address`);
    return `http://${ip}:${this.options.port}`;
  }

  private async describeOne(id: string): Promise<Instance> {
    let out;
    try {
      out = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    } catch (err) {
      throw cloudError('DescribeInstances', id, err);
    }
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
        throw new CloudError(
          `EC2 ${id}: still ${instance.State?.Name} after ${this.options.stateTimeoutSeconds}s (waiting for ${states.join(' or ')})`,
          'StateTimeout',
          id,
          false,
        );
      }
      await sleep(this.options.pollIntervalSeconds * 1000);
    }
  }
}
