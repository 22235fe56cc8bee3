/** A machine (or process) serving vLLM's OpenAI API, as one provider knows it. */
export interface GpuInstance {
  instanceId: string;
  /** Base URL without /v1, e.g. http://10.0.0.5:8000. */
  endpoint: string;
}

/** A running instance as a run sees it: which provider, which instance, where it serves. */
export interface GpuHandle extends GpuInstance {
  provider: string;
}

export type InstanceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'unknown';

/**
 * An error the cloud answered, with its own code and the instance it was about. `permanent` when asking again will
 * not help (not authorised, no such instance): it is not retried for a day, someone is told at once.
 */
export class CloudError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly instanceId: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** Called with the instance a provider is about to start, before it asks the cloud, so a start that fails half-way
 * still leaves the id where a stop will find it. */
export type RecordInstance = (instanceId: string) => Promise<void>;

/**
 * One way of getting a GPU server: local process, always-on endpoint, a cloud API. `start` records the instance it
 * is about to start, asks for it, and returns as soon as its id and endpoint are known; `waitReady` returns once the provider considers it up (vLLM's
 * own readiness is checked separately); `stop` returns once the stop is confirmed and is a no-op when it is stopped.
 */
/**
 * Where a fleet's instance starts (a pool of more than one): its place among the fleet's instances, which picks the
 * port or the candidate it tries first, and the instances the others run on, which it must not take.
 */
export interface StartPlace {
  place: number;
  avoid: readonly GpuInstance[];
}

export interface GpuProvider {
  readonly name: string;
  start(owner: string, record: RecordInstance, where?: StartPlace): Promise<GpuInstance>;
  /** Throws with the reason when the instance can no longer become ready (process exited, instance terminated). */
  waitReady(instance: GpuInstance, signal: AbortSignal): Promise<void>;
  stop(instance: GpuInstance): Promise<void>;
  describe(instance: GpuInstance): Promise<{ state: InstanceState; detail?: string }>;
  /**
   * Instances the cloud itself says this product manages (by its tag) and that are up, whatever the ledger says:
   * what the reaper sweeps when a ledger was lost or never written. Providers without such tags leave it out.
   */
  managedInstances?(): Promise<ManagedInstance[]>;
}

export interface ManagedInstance {
  instanceId: string;
  /** When it was last started, as the cloud says. */
  launchedAt?: Date;
  /** The holder tag it carries, for the report. */
  holder?: string;
}
