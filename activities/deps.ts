import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Config, Secrets } from '../config/config';
import type { Store } from '../store/store';
import type { GpuProvider } from '../gpu/providers/provider';
import type { GpuFleet } from '../gpu/fleet';
import type { LeaseBook } from '../gpu/leases';

/** What the activities need from the world, passed in so tests hand over real collaborators, not module mocks. */
import type { RenderPool } from '../report/render/render-process';

export interface ActivityDeps {
  config: Config;
  secrets: Secrets;
  gpuProvider: GpuProvider;
  mailer: Transporter;
  /** The alerts' own relay (alerts.smtp): alert emails go by it first, then by `mailer`. Absent: by `mailer` only. */
  alertMailer?: Transporter;
  /** Archives, sent-records, the GPU ledger and leases: shared by every worker host. */
  store: Store;
  /** To ask the server whether the run holding an instance is still alive (the reaper). */
  temporal: Client;
  /** Wall clock for measuring (GPU billing, file names); never used to pick the report date. */
  now?: () => Date;
  /** Where reports are rendered: default, this process's render pool (report/render/render-process.ts). */
  renderer?: Pick<RenderPool, 'render'>;
}

/** What planning reads: the config, and the server (the last mornings' tokens, the workers' configs). */
export type PlanContext = Pick<ActivityDeps, 'config' | 'temporal'> & { now: () => Date };

/** What the lease activities share: the server (the pool's signals), the leases and the fleet's ledger. */
export type LeaseContext = Pick<ActivityDeps, 'config' | 'temporal' | 'gpuProvider'> & {
  leases: LeaseBook;
  fleet: GpuFleet;
  now: () => Date;
};

/** What an instance's life needs: the provider and its ledger (the fleet), and the key vLLM is probed with. */
export type LifecycleContext = Pick<ActivityDeps, 'config' | 'secrets' | 'gpuProvider'> & {
  fleet: GpuFleet;
  now: () => Date;
};

/** What the reaper's sweep needs: the server (is the holder's run alive?), the provider and the fleet's ledger. */
export type ReaperContext = Pick<ActivityDeps, 'config' | 'gpuProvider' | 'temporal'> & {
  fleet: GpuFleet;
  now: () => Date;
};
