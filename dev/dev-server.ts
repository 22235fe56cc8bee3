import { TestWorkflowEnvironment } from '@temporalio/testing';
import { reportSearchAttributes } from '../temporal/search-attributes';
import { resolveTemporalCli, type TemporalCli } from './temporal-cli';

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * A Temporal CLI dev server on loopback (in memory, free port) with the product's search attributes registered.
 * Used by the tests and the demo; production points at a real cluster instead.
 */
export interface DevServerOptions {
  /** Start the Web UI on this port. */
  uiPort?: number;
  /** The codec server the Web UI decodes payloads through. */
  uiCodecEndpoint?: string;
  cli?: TemporalCli;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = options.cli ?? resolveTemporalCli();
  const executable =
    cli.source === 'sdk download'
      ? { type: 'cached-download' as const, version: `v${cli.version}` }
      : { type: 'existing-path' as const, path: cli.path };
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: reportSearchAttributes,
      extraArgs: [
        '--log-level',
        'error',
        ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
      ],
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
