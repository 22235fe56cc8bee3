import { join } from 'node:path';
import type { Config } from '../../config/config';
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
        model: config.llm.model,
        logDir: join(gpu.stateDir, 'logs'),
        stopTimeoutSeconds: gpu.stopTimeoutSeconds,
      });
    case 'aws-ec2':
      if (!gpu.awsEc2) throw new Error('gpu.awsEc2 is required for the aws-ec2 provider');
      return new AwsEc2Provider({ ...gpu.awsEc2, pollIntervalSeconds: gpu.pollIntervalSeconds });
    case 'command':
      if (!gpu.command) throw new Error('gpu.command is required for the command provider');
      return new CommandProvider({
        ...gpu.command,
        pollIntervalSeconds: gpu.pollIntervalSeconds,
        model: config.llm.model,
      });
    case 'static':
      if (!gpu.static) throw new Error('gpu.static.endpoint is required for the static provider');
      return new StaticProvider(gpu.static.endpoint);
  }
}
