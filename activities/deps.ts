import type { Transporter } from 'nodemailer';
import type { Config, Secrets } from '../lib/config';
import type { GpuProvider } from './gpu/provider';

/** What the activities need from the world, passed in so tests hand over real collaborators, not module mocks. */
export interface ActivityDeps {
  config: Config;
  secrets: Secrets;
  gpuProvider: GpuProvider;
  mailer: Transporter;
  /** Wall clock for measuring (GPU billing, file names); never used to pick the report date. */
  now?: () => Date;
}
