import type { GpuInstance, GpuProvider, InstanceState } from './provider';

/** An always-on endpoint (a shared vLLM server): nothing to start or stop, nothing billed per run. */
export class StaticProvider implements GpuProvider {
  readonly name = 'static';

  constructor(private readonly endpoint: string) {}

  start(): Promise<GpuInstance> {
    return Promise.resolve({ instanceId: `static:${this.endpoint}`, endpoint: this.endpoint.replace(/\/+$/, '') });
  }

  waitReady(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  describe(): Promise<{ state: InstanceState }> {
    return Promise.resolve({ state: 'running' });
  }
}
