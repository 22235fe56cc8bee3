import { join } from 'node:path';
import { required, type Config } from '../../config/config';
import { LocalProcessProvider } from './local-process';
import { AwsEc2Provider } from './aws-ec2';
import { CommandProvider } from './command';
import type { GpuProvider } from './provider';
import { StaticProvider } from './static';

export function createGpuProvider(config: Config): GpuProvider {
  const gpu = config.gpu;
  switch (gpu.provider) {
    case 'local-process':
      return new LocalProcessProvider({
        ...gpu.localProcess,
        ports: gpu.pool.maxInstances,
        model: config.llm.model,
        logDir: join(gpu.stateDir, 'logs'),
        stopTimeoutSeconds: gpu.stopTimeoutSeconds,
      });
    case 'aws-ec2':
      return new AwsEc2Provider({
        ...required(gpu.awsEc2, '/gpu/awsEc2', '/gpu/provider is "aws-ec2"'),
        pollIntervalSeconds: gpu.pollIntervalSeconds,
      });
    case 'command':
      return new CommandProvider({
        ...required(gpu.command, '/gpu/command', '/gpu/provider is "command"'),
        pollIntervalSeconds: gpu.pollIntervalSeconds,
        model: config.llm.model,
      });
    case 'static':
      return new StaticProvider(required(gpu.static, '/gpu/static', '/gpu/provider is "static"').endpoint);
  }
}
