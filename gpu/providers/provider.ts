/** A machine (or process) serving vLLM's OpenAI API, as one provider knows it. */
export interface GpuInstance {
  instanceId: string;
  /** Base URL without /v1, e.g. http://10.0.0.5:8000. */
  endpoint: string;
}

export type InstanceState = 'starting' | 'running' | 'stopping' | 'stopped' | 'unknown';

/**
 * One way of getting a GPU server: local process, always-on endpoint, a cloud API. `start` asks for an instance and
 * returns as soon as its id and endpoint are known; `waitReady` returns once the provider considers it up (vLLM's
 * own readiness is checked separately); `stop` returns once the stop is confirmed and is a no-op when it is stopped.
 */
export interface GpuProvider {
  readonly name: string;
  start(owner: string): Promise<GpuInstance>;
  /** Throws with the reason when the instance can no longer become ready (process exited, instance terminated). */
  waitReady(instance: GpuInstance, signal: AbortSignal): Promise<void>;
  stop(instance: GpuInstance): Promise<void>;
  describe(instance: GpuInstance): Promise<{ state: InstanceState; detail?: string }>;
}
